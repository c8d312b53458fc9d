/**
 * zod schemas mirroring the response shapes of the contract (§4). Unknown extra fields are tolerated
 * (stripped); a missing or mistyped required field is rejected with the field's path.
 */
import { z } from 'zod';

const uuid = z.string().uuid();
const timestamp = z.string().min(1);
const nullableString = z.string().nullable();

export const USER_ROLES = ['ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED', 'DEACTIVATED'] as const;
export const UserRoleSchema = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof UserRoleSchema>;

export const PROVIDERS = ['apple', 'google', 'discord', 'github'] as const;
export type IdentityProvider = (typeof PROVIDERS)[number];

export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), limit: z.number().int(), offset: z.number().int(), total: z.number().int() });
export interface Page<T> {
  items: T[];
  limit: number;
  offset: number;
  total: number;
}

export const CompanySettingsSchema = z.object({
  id: uuid.optional(),
  character_autogen_xp_cost: z.number().int(),
  character_autogen_num_choices: z.number().int(),
  character_autogen_starting_points: z.number().int(),
  permission_manage_campaign: z.string(),
  permission_manage_npc: z.string().optional(),
  permission_grant_xp: z.enum(['UNRESTRICTED', 'PLAYER', 'STORYTELLER']),
  permission_free_trait_changes: z.string(),
  permission_recoup_xp: z.string(),
});

export const CompanySchema = z.object({
  id: uuid,
  date_created: timestamp,
  date_modified: timestamp,
  name: z.string(),
  description: nullableString,
  email: z.string(),
  resources_modified_at: timestamp,
  num_campaigns: z.number().int(),
  num_player_characters: z.number().int(),
  num_storyteller_characters: z.number().int(),
  num_npc_characters: z.number().int(),
  num_users: z.number().int(),
  settings: CompanySettingsSchema,
});
export type Company = z.infer<typeof CompanySchema>;

export const CompanyPermissionSchema = z.object({
  company_id: uuid,
  name: z.string(),
  permission: z.enum(['USER', 'ADMIN', 'OWNER', 'REVOKE']),
});

export const DeveloperSchema = z.object({
  id: uuid,
  username: z.string(),
  email: z.string(),
  companies: z.array(CompanyPermissionSchema),
});
export type Developer = z.infer<typeof DeveloperSchema>;

export const HealthSchema = z.object({
  database_status: z.enum(['online', 'offline']),
  cache_status: z.enum(['online', 'offline']),
  database_latency_ms: z.number().nullable(),
  cache_latency_ms: z.number().nullable(),
  uptime: z.string(),
  version: z.string(),
});
export type Health = z.infer<typeof HealthSchema>;

export const DiscordProfileSchema = z.object({
  id: z.string(),
  username: nullableString.optional(),
  global_name: nullableString.optional(),
  avatar_id: nullableString.optional(),
  discriminator: nullableString.optional(),
  email: nullableString.optional(),
  verified: z.boolean().optional(),
  avatar_url: nullableString.optional(),
});

export const CampaignExperienceSchema = z.object({
  id: uuid,
  campaign_id: uuid,
  user_id: uuid,
  xp_current: z.number().int(),
  xp_total: z.number().int(),
  cool_points: z.number().int(),
});
export type CampaignExperience = z.infer<typeof CampaignExperienceSchema>;

export const UserSchema = z.object({
  id: uuid,
  date_created: timestamp,
  date_modified: timestamp,
  name_first: nullableString,
  name_last: nullableString,
  username: z.string(),
  email: z.string(),
  role: UserRoleSchema,
  company_id: uuid,
  lifetime_xp: z.number().int(),
  lifetime_cool_points: z.number().int(),
  discord_profile: DiscordProfileSchema.nullable(),
  google_profile: z.record(z.string(), z.unknown()).nullable(),
  github_profile: z.record(z.string(), z.unknown()).nullable(),
  apple_profile: z.record(z.string(), z.unknown()).nullable(),
  avatar_url: nullableString,
  num_quickrolls: z.number().int(),
  num_notes: z.number().int(),
  num_assets: z.number().int(),
  num_characters: z.number().int(),
  campaign_experience: z.array(CampaignExperienceSchema),
});
export type User = z.infer<typeof UserSchema>;

export const UserLookupResultSchema = z.object({
  company_id: uuid,
  company_name: z.string(),
  user_id: uuid,
  role: UserRoleSchema,
});
export type UserLookupResult = z.infer<typeof UserLookupResultSchema>;

export const IdentifyResponseSchema = z.object({
  resolution: z.enum(['matched', 'linked', 'created']),
  user: UserSchema,
});
export type IdentifyResponse = z.infer<typeof IdentifyResponseSchema>;

export const QuickrollSchema = z.object({
  id: uuid,
  date_created: timestamp,
  date_modified: timestamp,
  name: z.string(),
  description: z.string().nullable().transform((v) => v ?? ''),
  user_id: uuid,
  trait_ids: z.array(uuid),
});
export type Quickroll = z.infer<typeof QuickrollSchema>;

export const NoteSchema = z.object({
  id: uuid,
  date_created: timestamp,
  date_modified: timestamp,
  title: z.string(),
  content: z.string(),
  company_id: uuid,
  campaign_id: uuid.nullable(),
  book_id: uuid.nullable(),
  chapter_id: uuid.nullable(),
  character_id: uuid.nullable(),
  user_id: uuid.nullable(),
});
export type Note = z.infer<typeof NoteSchema>;

export const CampaignSchema = z.object({
  id: uuid,
  name: z.string(),
  description: nullableString,
  in_game_date: nullableString,
  desperation: z.number().int(),
  danger: z.number().int(),
  company_id: uuid,
  date_created: timestamp,
  date_modified: timestamp,
});
export type Campaign = z.infer<typeof CampaignSchema>;

export const TraitSchema = z.object({
  id: uuid,
  name: z.string(),
  is_rollable: z.boolean(),
  min_value: z.number().int().nullable().optional(),
  max_value: z.number().int().nullable().optional(),
  category_id: uuid.nullable().optional(),
  category_name: nullableString.optional(),
  subcategory_id: uuid.nullable().optional(),
  subcategory_name: nullableString.optional(),
  custom_for_character_id: uuid.nullable().optional(),
  description: nullableString.optional(),
});
export type Trait = z.infer<typeof TraitSchema>;

export const CharacterTraitSchema = z.object({
  id: uuid,
  character_id: uuid,
  value: z.number().int(),
  trait: TraitSchema,
});
export type CharacterTrait = z.infer<typeof CharacterTraitSchema>;

export const CharacterSchema = z.object({
  id: uuid,
  name_first: z.string(),
  name_last: z.string(),
  name_nick: nullableString,
  name: z.string(),
  name_full: z.string(),
  character_class: z.string(),
  type: z.enum(['PLAYER', 'NPC', 'STORYTELLER']),
  game_version: z.string(),
  status: z.enum(['ALIVE', 'DEAD']),
  is_temporary: z.boolean(),
  user_creator_id: uuid.nullable(),
  user_player_id: uuid.nullable(),
  company_id: uuid,
  campaign_id: uuid,
  date_created: timestamp,
  date_modified: timestamp,
});
export type Character = z.infer<typeof CharacterSchema>;

export const CharacterDetailSchema = CharacterSchema.extend({ traits: z.array(CharacterTraitSchema).optional() });
export type CharacterDetail = z.infer<typeof CharacterDetailSchema>;

export const UserDetailSchema = UserSchema.extend({
  quickrolls: z.array(QuickrollSchema).optional(),
  notes: z.array(NoteSchema).optional(),
  characters: z.array(CharacterSchema).optional(),
  assets: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type UserDetail = z.infer<typeof UserDetailSchema>;

export const DiceRollResultSchema = z.object({
  total_result: z.number().int().nullable(),
  total_result_type: z.enum(['SUCCESS', 'FAILURE', 'BOTCH', 'CRITICAL', 'OTHER']),
  total_result_humanized: z.string(),
  total_dice_roll: z.array(z.number().int()),
  player_roll: z.array(z.number().int()),
  desperation_roll: z.array(z.number().int()),
  total_dice_roll_emoji: z.string(),
  total_dice_roll_shortcode: z.string(),
  player_roll_emoji: z.string(),
  player_roll_shortcode: z.string(),
  desperation_roll_emoji: z.string(),
  desperation_roll_shortcode: z.string(),
});
export type DiceRollResult = z.infer<typeof DiceRollResultSchema>;

export const DiceRollSchema = z.object({
  id: uuid,
  date_created: timestamp,
  date_modified: timestamp,
  difficulty: z.number().int().nullable(),
  dice_size: z.number().int(),
  num_dice: z.number().int(),
  num_desperation_dice: z.number().int(),
  result: DiceRollResultSchema.nullable(),
  comment: nullableString,
  trait_ids: z.array(uuid),
  user_id: uuid.nullable(),
  character_id: uuid.nullable(),
  campaign_id: uuid.nullable(),
  company_id: uuid,
});
export type DiceRoll = z.infer<typeof DiceRollSchema>;

export const RollStatisticsSchema = z.object({
  botches: z.number().int(),
  successes: z.number().int(),
  failures: z.number().int(),
  criticals: z.number().int(),
  total_rolls: z.number().int(),
  average_difficulty: z.number().nullable(),
  average_pool: z.number().nullable(),
  top_traits: z.array(z.object({ name: z.string(), usage_count: z.number().int(), trait_id: uuid.optional() })),
  criticals_percentage: z.number(),
  success_percentage: z.number(),
  failure_percentage: z.number(),
  botch_percentage: z.number(),
});
export type RollStatistics = z.infer<typeof RollStatisticsSchema>;

/** U8 deny answers 201 with the JSON body `null`. */
export const NullBodySchema = z.null();

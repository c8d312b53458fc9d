/**
 * Row and seed types of the fake Valentina Noir API. Rows mirror the API's field names (snake_case)
 * so serialization stays a thin projection; seeds are the same rows with every optional column
 * left out, filled with defaults when a fixture is loaded.
 */

export const USER_ROLES = ['ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED', 'DEACTIVATED'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const DEVELOPER_PERMISSIONS = ['USER', 'ADMIN', 'OWNER'] as const;
export type DeveloperPermission = (typeof DEVELOPER_PERMISSIONS)[number];

export const CHARACTER_CLASSES = ['VAMPIRE', 'WEREWOLF', 'MAGE', 'HUNTER', 'GHOUL', 'MORTAL'] as const;
export type CharacterClass = (typeof CHARACTER_CLASSES)[number];

export const CHARACTER_TYPES = ['PLAYER', 'NPC', 'STORYTELLER'] as const;
export type CharacterType = (typeof CHARACTER_TYPES)[number];

export const GAME_VERSIONS = ['V4', 'V5'] as const;
export type GameVersion = (typeof GAME_VERSIONS)[number];

export const IDENTITY_PROVIDERS = ['apple', 'google', 'discord', 'github'] as const;
export type IdentityProvider = (typeof IDENTITY_PROVIDERS)[number];

export const DICE_SIZES = [4, 6, 8, 10, 20, 100] as const;
export type DiceSize = (typeof DICE_SIZES)[number];

export type RollResultType = 'SUCCESS' | 'FAILURE' | 'BOTCH' | 'CRITICAL' | 'OTHER';

export interface CompanySettings {
  id: string;
  character_autogen_xp_cost: number;
  character_autogen_num_choices: number;
  character_autogen_starting_points: number;
  permission_manage_campaign: 'UNRESTRICTED' | 'STORYTELLER';
  permission_manage_npc: 'UNRESTRICTED' | 'STORYTELLER';
  permission_grant_xp: 'UNRESTRICTED' | 'PLAYER' | 'STORYTELLER';
  permission_free_trait_changes: 'UNRESTRICTED' | 'WITHIN_24_HOURS' | 'STORYTELLER';
  permission_recoup_xp: 'UNRESTRICTED' | 'DENIED' | 'WITHIN_SESSION';
}

interface Timestamps {
  date_created: string;
  date_modified: string;
}

export interface CompanyRow extends Timestamps {
  id: string;
  name: string;
  description: string | null;
  email: string;
  resources_modified_at: string;
  archived: boolean;
  settings: CompanySettings;
}

export interface DeveloperRow extends Timestamps {
  id: string;
  username: string;
  email: string;
  key_generated: string | null;
  /** Company id → permission of the developer's API key on that company. */
  permissions: Map<string, DeveloperPermission>;
}

/** The stored Discord profile (the response adds a computed `avatar_url`). */
export interface DiscordProfile {
  id: string;
  username: string | null;
  global_name: string | null;
  avatar_id: string | null;
  discriminator: string | null;
  email: string | null;
  verified: boolean;
  [extra: string]: unknown;
}

export type ProviderProfile = Record<string, unknown>;

export interface UserRow extends Timestamps {
  id: string;
  company_id: string;
  username: string;
  email: string;
  name_first: string | null;
  name_last: string | null;
  role: UserRole;
  lifetime_xp: number;
  lifetime_cool_points: number;
  discord_profile: DiscordProfile | null;
  google_profile: ProviderProfile | null;
  github_profile: ProviderProfile | null;
  apple_profile: ProviderProfile | null;
  /** A custom uploaded avatar; wins over the Discord-derived one. */
  custom_avatar_url: string | null;
  archived: boolean;
}

export interface CampaignRow extends Timestamps {
  id: string;
  company_id: string;
  name: string;
  description: string | null;
  in_game_date: string | null;
  desperation: number;
  danger: number;
  num_books: number;
  num_chapters: number;
  archived: boolean;
}

export interface ExperienceRow {
  id: string;
  user_id: string;
  campaign_id: string;
  xp_current: number;
  xp_total: number;
  cool_points: number;
}

export interface Specialty {
  id: string;
  name: string;
  type: 'ACTION' | 'OTHER' | 'PASSIVE' | 'RITUAL' | 'SPELL';
  description: string | null;
}

export interface VampireAttributes {
  clan_id: string | null;
  clan_name: string | null;
  generation: number | null;
  sire: string | null;
  bane_name: string | null;
  bane_description: string | null;
  compulsion_name: string | null;
  compulsion_description: string | null;
}

export interface CharacterRow extends Timestamps {
  id: string;
  company_id: string;
  campaign_id: string;
  name_first: string;
  name_last: string;
  name_nick: string | null;
  character_class: CharacterClass;
  type: CharacterType;
  game_version: GameVersion;
  status: 'ALIVE' | 'DEAD';
  starting_points: number;
  age: number | null;
  date_of_birth: string | null;
  biography: string | null;
  demeanor: string | null;
  nature: string | null;
  concept_id: string | null;
  concept_name: string | null;
  is_temporary: boolean;
  date_killed: string | null;
  user_creator_id: string | null;
  user_player_id: string | null;
  num_inventory_items: number;
  specialties: Specialty[];
  vampire_attributes: VampireAttributes | null;
  werewolf_attributes: Record<string, unknown> | null;
  mage_attributes: Record<string, unknown> | null;
  hunter_attributes: Record<string, unknown> | null;
  chapter_ids: string[];
  archived: boolean;
}

export interface TraitRow extends Timestamps {
  id: string;
  name: string;
  description: string | null;
  is_rollable: boolean;
  min_value: number;
  max_value: number;
  category_id: string;
  category_name: string;
  sheet_section_id: string;
  sheet_section_name: string;
  subcategory_id: string | null;
  subcategory_name: string | null;
  custom_for_character_id: string | null;
  character_classes: CharacterClass[];
  game_versions: GameVersion[];
  pool: string | null;
  opposing_pool: string | null;
  system: string | null;
  /** Position on the character sheet, for `order_by=SHEET`. */
  sheet_order: number;
}

export interface CharacterTraitRow extends Timestamps {
  id: string;
  character_id: string;
  trait_id: string;
  value: number;
}

export interface QuickrollRow extends Timestamps {
  id: string;
  user_id: string;
  name: string;
  /** null when blank (read back as ""). */
  description: string | null;
  trait_ids: string[];
  archived: boolean;
}

export interface NoteRow extends Timestamps {
  id: string;
  company_id: string;
  user_id: string | null;
  character_id: string | null;
  campaign_id: string | null;
  title: string;
  content: string;
  archived: boolean;
}

export interface DiceRollResult {
  total_result: number | null;
  total_result_type: RollResultType;
  total_result_humanized: string;
  total_dice_roll: number[];
  player_roll: number[];
  desperation_roll: number[];
  total_dice_roll_emoji: string;
  total_dice_roll_shortcode: string;
  player_roll_emoji: string;
  player_roll_shortcode: string;
  desperation_roll_emoji: string;
  desperation_roll_shortcode: string;
}

export interface DiceRollRow extends Timestamps {
  id: string;
  company_id: string;
  user_id: string | null;
  character_id: string | null;
  campaign_id: string | null;
  difficulty: number | null;
  dice_size: DiceSize;
  num_dice: number;
  num_desperation_dice: number;
  result: DiceRollResult;
  comment: string | null;
  trait_ids: string[];
  archived: boolean;
}

// ---- Seeds: what a fixture provides. Optional columns get defaults when loaded. ----

type Seed<Row, Required extends keyof Row> = Pick<Row, Required> & Partial<Omit<Row, Required>>;

export type SeedCompany = Seed<Omit<CompanyRow, 'settings'>, 'id' | 'name'> & {
  settings?: Partial<CompanySettings>;
};
export interface SeedDeveloper {
  id: string;
  username: string;
  email: string;
  /** Companies the fake's API key may reach, with its permission on each. */
  companies: Array<{ company_id: string; permission: DeveloperPermission }>;
}
export type SeedUser = Seed<UserRow, 'id' | 'company_id' | 'username' | 'email' | 'role'>;
export type SeedCampaign = Seed<CampaignRow, 'id' | 'company_id' | 'name'>;
export type SeedExperience = Seed<ExperienceRow, 'id' | 'user_id' | 'campaign_id'>;
export type SeedCharacter = Seed<
  CharacterRow,
  'id' | 'company_id' | 'campaign_id' | 'name_first' | 'name_last' | 'character_class' | 'type'
>;
export type SeedTrait = Seed<TraitRow, 'id' | 'name' | 'category_id' | 'category_name'>;
export type SeedCharacterTrait = Seed<CharacterTraitRow, 'id' | 'character_id' | 'trait_id' | 'value'>;
export type SeedQuickroll = Seed<QuickrollRow, 'id' | 'user_id' | 'name' | 'trait_ids'>;
export type SeedNote = Seed<NoteRow, 'id' | 'company_id' | 'title' | 'content'>;
/** A roll with its dice given explicitly; the result is computed with the API's arithmetic. */
export type SeedDiceRoll = Seed<
  Omit<DiceRollRow, 'result' | 'num_dice' | 'num_desperation_dice'>,
  'id' | 'company_id' | 'user_id'
> & { player_roll: number[]; desperation_roll?: number[] };

/** A complete data set the fake can start from. */
export interface Fixture {
  developer: SeedDeveloper;
  companies: SeedCompany[];
  users: SeedUser[];
  campaigns: SeedCampaign[];
  experience: SeedExperience[];
  characters: SeedCharacter[];
  traits: SeedTrait[];
  characterTraits: SeedCharacterTrait[];
  quickrolls: SeedQuickroll[];
  notes: SeedNote[];
  diceRolls: SeedDiceRoll[];
}

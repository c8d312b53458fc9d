/** Rows → the API's JSON shapes (§4). Counters are computed from the store on the fly. */
import { offsetTimestamp } from './ids.js';
import type { FakeStore } from './store.js';
import type {
  CampaignRow,
  CharacterRow,
  CharacterTraitRow,
  CompanyRow,
  DiceRollRow,
  DiscordProfile,
  ExperienceRow,
  NoteRow,
  QuickrollRow,
  TraitRow,
  UserRow,
} from './model.js';

export function discordAvatarUrl(profile: DiscordProfile | null): string | null {
  if (!profile) return null;
  if (profile.avatar_id) {
    const ext = profile.avatar_id.startsWith('a_') ? 'gif' : 'png';
    return `https://cdn.discordapp.com/avatars/${profile.id}/${profile.avatar_id}.${ext}`;
  }
  if (profile.discriminator !== null && profile.discriminator !== undefined) {
    const n = Number.parseInt(profile.discriminator, 10);
    return `https://cdn.discordapp.com/embed/avatars/${Number.isNaN(n) ? 0 : n % 5}.png`;
  }
  return null;
}

export function experienceJson(row: ExperienceRow): Record<string, unknown> {
  return {
    id: row.id,
    campaign_id: row.campaign_id,
    user_id: row.user_id,
    xp_current: row.xp_current,
    xp_total: row.xp_total,
    cool_points: row.cool_points,
  };
}

export function userJson(store: FakeStore, user: UserRow): Record<string, unknown> {
  const discordUrl = discordAvatarUrl(user.discord_profile);
  return {
    id: user.id,
    date_created: user.date_created,
    date_modified: user.date_modified,
    name_first: user.name_first,
    name_last: user.name_last,
    username: user.username,
    email: user.email,
    role: user.role,
    company_id: user.company_id,
    lifetime_xp: user.lifetime_xp,
    lifetime_cool_points: user.lifetime_cool_points,
    discord_profile: user.discord_profile ? { ...user.discord_profile, avatar_url: discordUrl } : null,
    google_profile: user.google_profile,
    github_profile: user.github_profile,
    apple_profile: user.apple_profile,
    avatar_url: user.custom_avatar_url ?? discordUrl,
    num_quickrolls: [...store.quickrolls.values()].filter((q) => !q.archived && q.user_id === user.id).length,
    num_notes: [...store.notes.values()].filter((n) => !n.archived && n.user_id === user.id).length,
    num_assets: 0,
    num_characters: [...store.characters.values()].filter((c) => !c.archived && c.user_player_id === user.id).length,
    campaign_experience: store.userExperience(user.id).map(experienceJson),
  };
}

function liveCharacters(store: FakeStore, match: (c: CharacterRow) => boolean): CharacterRow[] {
  return [...store.characters.values()].filter((c) => !c.archived && match(c));
}

export function companyJson(store: FakeStore, company: CompanyRow): Record<string, unknown> {
  const chars = liveCharacters(store, (c) => c.company_id === company.id && !c.is_temporary);
  return {
    id: company.id,
    date_created: company.date_created,
    date_modified: company.date_modified,
    name: company.name,
    description: company.description,
    email: company.email,
    resources_modified_at: company.resources_modified_at,
    num_campaigns: [...store.campaigns.values()].filter((c) => !c.archived && c.company_id === company.id).length,
    num_player_characters: chars.filter((c) => c.type === 'PLAYER').length,
    num_storyteller_characters: chars.filter((c) => c.type === 'STORYTELLER').length,
    num_npc_characters: chars.filter((c) => c.type === 'NPC').length,
    num_users: store.companyUsers(company.id).length,
    settings: { ...company.settings },
  };
}

export function campaignJson(store: FakeStore, campaign: CampaignRow): Record<string, unknown> {
  const chars = liveCharacters(store, (c) => c.campaign_id === campaign.id && !c.is_temporary);
  const { archived: _archived, ...fields } = campaign;
  return {
    ...fields,
    num_notes: [...store.notes.values()].filter((n) => !n.archived && n.campaign_id === campaign.id).length,
    num_player_characters: chars.filter((c) => c.type === 'PLAYER').length,
    num_storyteller_characters: chars.filter((c) => c.type === 'STORYTELLER').length,
    num_npc_characters: chars.filter((c) => c.type === 'NPC').length,
  };
}

export function characterJson(store: FakeStore, character: CharacterRow, zeroCounters = false): Record<string, unknown> {
  const { archived: _archived, num_inventory_items, ...fields } = character;
  const name = `${character.name_first} ${character.name_last}`;
  const numNotes = [...store.notes.values()].filter((n) => !n.archived && n.character_id === character.id).length;
  return {
    ...fields,
    name,
    name_full: character.name_nick ? `${character.name_first} '${character.name_nick}' ${character.name_last}` : name,
    num_inventory_items: zeroCounters ? 0 : num_inventory_items,
    num_notes: zeroCounters ? 0 : numNotes,
    num_assets: 0,
    specialties: character.specialties.map((s) => ({ ...s })),
    chapter_ids: [...character.chapter_ids],
  };
}

export function traitJson(trait: TraitRow): Record<string, unknown> {
  const { sheet_order: _order, ...fields } = trait;
  return { ...fields, character_classes: [...trait.character_classes], game_versions: [...trait.game_versions] };
}

export function characterTraitJson(store: FakeStore, row: CharacterTraitRow): Record<string, unknown> {
  const trait = store.traits.get(row.trait_id);
  return {
    id: row.id,
    character_id: row.character_id,
    value: row.value,
    trait: trait ? traitJson(trait) : null,
    date_created: offsetTimestamp(row.date_created),
    date_modified: offsetTimestamp(row.date_modified),
  };
}

export function quickrollJson(row: QuickrollRow): Record<string, unknown> {
  return {
    id: row.id,
    date_created: row.date_created,
    date_modified: row.date_modified,
    name: row.name,
    description: row.description ?? '',
    user_id: row.user_id,
    trait_ids: [...row.trait_ids],
  };
}

export function noteJson(row: NoteRow): Record<string, unknown> {
  return {
    id: row.id,
    date_created: row.date_created,
    date_modified: row.date_modified,
    title: row.title,
    content: row.content,
    company_id: row.company_id,
    campaign_id: row.campaign_id,
    book_id: null,
    chapter_id: null,
    character_id: row.character_id,
    user_id: row.user_id,
  };
}

export function diceRollJson(row: DiceRollRow): Record<string, unknown> {
  const { archived: _archived, ...fields } = row;
  return { ...fields, result: { ...row.result }, trait_ids: [...row.trait_ids] };
}

/** RollStatistics (§4.10) over non-archived D10 rolls. */
export function rollStatistics(store: FakeStore, rolls: DiceRollRow[], numTopTraits: number): Record<string, unknown> {
  const live = rolls.filter((r) => !r.archived && r.dice_size === 10);
  const total = live.length;
  const count = (type: string) => live.filter((r) => r.result.total_result_type === type).length;
  const [botches, successes, failures, criticals] = ['BOTCH', 'SUCCESS', 'FAILURE', 'CRITICAL'].map(count) as [number, number, number, number];
  const difficulties = live.map((r) => r.difficulty).filter((d): d is number => d !== null);
  const usage = new Map<string, number>();
  for (const r of live) for (const id of r.trait_ids) usage.set(id, (usage.get(id) ?? 0) + 1);
  const topTraits = [...usage.entries()]
    .map(([traitId, usageCount]) => ({ name: store.traits.get(traitId)?.name ?? 'Unknown trait', usage_count: usageCount, trait_id: traitId }))
    .sort((a, b) => b.usage_count - a.usage_count || a.name.localeCompare(b.name))
    .slice(0, Math.max(0, numTopTraits));
  const pct = (n: number) => (total === 0 ? 0.0 : (n / total) * 100);
  return {
    botches,
    successes,
    failures,
    criticals,
    total_rolls: total,
    average_difficulty: difficulties.length === 0 ? null : difficulties.reduce((a, b) => a + b, 0) / difficulties.length,
    average_pool: total === 0 ? null : live.reduce((a, r) => a + r.num_dice, 0) / total,
    top_traits: topTraits,
    criticals_percentage: pct(criticals),
    success_percentage: pct(successes),
    failure_percentage: pct(failures),
    botch_percentage: pct(botches),
  };
}

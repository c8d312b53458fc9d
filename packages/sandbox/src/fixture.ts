/**
 * The standard data set of the fake Valentina API: a believable Chicago chronicle with fixed ids and
 * fixed Discord snowflakes, so the Discord side of the sandbox can create matching members.
 *
 * Chicago by Night (XP granted by storytellers only): viktor ADMIN, celeste STORYTELLER, mara and
 * bastien PLAYERs, nadia UNAPPROVED, otto DEACTIVATED, ines PLAYER without any Discord identity.
 * Anarch Free State (XP unrestricted): rosa ADMIN and a second account of mara (same Discord id).
 * Sabbat Shadows: a company the API key cannot reach.
 */
import { TRAIT_CATALOGUE, TRAIT_IDS, type TraitKey } from './fake-valentina/trait-catalogue.js';
import type { DiscordProfile, Fixture, SeedCharacterTrait, SeedDiceRoll, SeedUser } from './fake-valentina/model.js';

export { TRAIT_IDS } from './fake-valentina/trait-catalogue.js';

const COMPANIES = {
  chicago: '0197e3c2-5a10-7f3e-8b21-4c6d2e9a1f05',
  anarch: '0197e3c2-6b21-7a4c-9d32-5e7f3a0b2c16',
  sabbat: '0197e3c2-7c32-7b5d-ae43-6f8a4b1c3d27',
} as const;

const user = <C extends keyof typeof COMPANIES>(id: string, company: C, discordId: string | null) => ({
  id,
  companyId: COMPANIES[company],
  discordId,
});

const USERS = {
  viktor: user('0197e3d0-0a1b-7c2d-93e4-5f6a7b8c9d01', 'chicago', '289374651029384756'),
  celeste: user('0197e3d0-0a1b-7c2d-93e4-5f6a7b8c9d02', 'chicago', '331204958671234567'),
  mara: user('0197e3d0-1b2c-7d3e-a4f5-6a7b8c9d0e1f', 'chicago', '402817294562377729'),
  bastien: user('0197e3d0-0a1b-7c2d-93e4-5f6a7b8c9d04', 'chicago', '517283946102938475'),
  nadia: user('0197e3d0-0a1b-7c2d-93e4-5f6a7b8c9d05', 'chicago', '624019283746501928'),
  otto: user('0197e3d0-0a1b-7c2d-93e4-5f6a7b8c9d06', 'chicago', '730192837465019283'),
  ines: user('0197e3d0-0a1b-7c2d-93e4-5f6a7b8c9d07', 'chicago', null),
  maraAnarch: user('0197e3d0-2c3d-7e4f-b5a6-7b8c9d0e1f01', 'anarch', '402817294562377729'),
  rosa: user('0197e3d0-2c3d-7e4f-b5a6-7b8c9d0e1f02', 'anarch', '845019283746501234'),
  lucrezia: user('0197e3d0-3d4e-7f5a-86b7-8c9d0e1f2a01', 'sabbat', '912837465019283746'),
};

/** Every fixed id of the standard fixture. */
export const FIXTURE_IDS = {
  companies: COMPANIES,
  users: USERS,
  campaigns: {
    main: '0197e3e1-3d4e-7f5a-86b7-8c9d0e1f2a3b',
    archived: '0197e3e1-4e5f-7a6b-97c8-9d0e1f2a3b01',
    anarch: '0197e3e1-5f6a-7b7c-a8d9-0e1f2a3b4c01',
    sabbat: '0197e3e1-6a7b-7c8d-b9e0-1f2a3b4c5d01',
  },
  experience: {
    maraMain: '0197e3f2-4e5f-7a6b-97c8-9d0e1f2a3b4c',
    bastienMain: '0197e3f2-4e5f-7a6b-97c8-9d0e1f2a3b01',
    maraArchived: '0197e3f2-4e5f-7a6b-97c8-9d0e1f2a3b02',
    maraAnarch: '0197e3f2-4e5f-7a6b-97c8-9d0e1f2a3b03',
  },
  characters: {
    lucien: '0197e401-5f6a-7b7c-a8d9-0e1f2a3b4c5d',
    isabeau: '0197e401-5f6a-7b7c-a8d9-0e1f2a3b4c01',
    prince: '0197e401-5f6a-7b7c-a8d9-0e1f2a3b4c02',
    aldo: '0197e401-5f6a-7b7c-a8d9-0e1f2a3b4c03',
    nox: '0197e401-5f6a-7b7c-a8d9-0e1f2a3b4c04',
  },
  traits: TRAIT_IDS,
  quickrolls: {
    shoot: '0197e412-6a7b-7c8d-b9e0-1f2a3b4c5d6e',
    sneak: '0197e412-6a7b-7c8d-b9e0-1f2a3b4c5d01',
    command: '0197e412-6a7b-7c8d-b9e0-1f2a3b4c5d02',
    secondSight: '0197e412-6a7b-7c8d-b9e0-1f2a3b4c5d03',
    seduce: '0197e412-6a7b-7c8d-b9e0-1f2a3b4c5d04',
  },
  notes: {
    maraRecap: '0197e434-8c9d-7eaf-9b02-3b4c5d6e7f80',
    maraBoons: '0197e434-8c9d-7eaf-9b02-3b4c5d6e7f01',
    bastienJournal: '0197e434-8c9d-7eaf-9b02-3b4c5d6e7f02',
  },
} as const;

export type SeededIds = typeof FIXTURE_IDS;

const MAIN_CAMPAIGN_NAME = 'Requiem for the Loop';

/** A server binding's default campaign as most tests and the demo set it: Chicago's main campaign. */
export const MAIN_CAMPAIGN_AS_DEFAULT = { defaultCampaignId: FIXTURE_IDS.campaigns.main, defaultCampaignName: MAIN_CAMPAIGN_NAME } as const;

const ids = FIXTURE_IDS;
const T = TRAIT_IDS;

function discord(
  discordId: string,
  username: string,
  globalName: string,
  email: string,
  avatarId: string | null = null,
): DiscordProfile {
  return { id: discordId, username, global_name: globalName, avatar_id: avatarId, discriminator: '0', email, verified: true };
}

function member(key: keyof typeof USERS, seed: Omit<SeedUser, 'id' | 'company_id' | 'discord_profile'>, globalName: string, avatar: string | null = null): SeedUser {
  const u = USERS[key];
  return {
    id: u.id,
    company_id: u.companyId,
    ...seed,
    discord_profile: u.discordId === null ? null : discord(u.discordId, seed.username, globalName, seed.email, avatar),
    date_created: '2026-05-10T20:00:00Z',
    date_modified: '2026-07-01T20:00:00Z',
  };
}

const LUCIEN: Partial<Record<TraitKey, number>> = {
  strength: 2, dexterity: 3, stamina: 2, charisma: 2, manipulation: 1, composure: 2, intelligence: 2, wits: 3,
  resolve: 2, firearms: 2, athletics: 1, brawl: 2, stealth: 1, awareness: 2, investigation: 3, persuasion: 1,
  streetwise: 2, intimidation: 1, potence: 1, celerity: 2, willpower: 4, humanity: 7, bloodPotency: 1,
};
const ISABEAU: Partial<Record<TraitKey, number>> = {
  strength: 1, dexterity: 2, stamina: 2, charisma: 4, manipulation: 3, composure: 3, intelligence: 2, wits: 2,
  resolve: 2, persuasion: 3, etiquette: 2, performance: 3, insight: 2, subterfuge: 2, melee: 1, presence: 2,
  auspex: 1, willpower: 5, humanity: 6, bloodPotency: 1,
};
const PRINCE: Partial<Record<TraitKey, number>> = {
  strength: 3, dexterity: 3, stamina: 4, charisma: 5, manipulation: 5, composure: 5, intelligence: 4, wits: 4,
  resolve: 5, leadership: 5, intimidation: 4, politics: 5, dominate: 5, presence: 4, willpower: 8,
};
const NOX: Partial<Record<TraitKey, number>> = { dexterity: 4, wits: 3, larceny: 3, stealth: 3, streetwise: 2 };

function sheet(characterId: string, prefix: string, values: Partial<Record<TraitKey, number>>): SeedCharacterTrait[] {
  return Object.entries(values).map(([key, value], i) => ({
    id: `${prefix}${(i + 1).toString(16).padStart(2, '0')}`,
    character_id: characterId,
    trait_id: T[key as TraitKey],
    value: value ?? 0,
    date_created: '2026-05-20T23:00:00.250000+00:00',
    date_modified: '2026-07-14T19:00:00+00:00',
  }));
}

const C = ids.companies;
const U = ids.users;
const K = ids.characters;

function roll(n: number, at: string, seed: Omit<SeedDiceRoll, 'id' | 'date_created' | 'date_modified'>): SeedDiceRoll {
  return { id: `0197e423-7b8c-7d9e-8af1-2a3b4c5d6e${n.toString(16).padStart(2, '0')}`, date_created: at, date_modified: at, ...seed };
}

export const STANDARD_FIXTURE: Fixture = {
  developer: {
    id: '0197a001-0c1d-7e2f-8a3b-4c5d6e7f8091',
    username: 'valentina-bot',
    email: 'ops@valentina-bot.example',
    companies: [
      { company_id: C.chicago, permission: 'USER' },
      { company_id: C.anarch, permission: 'USER' },
    ],
  },
  companies: [
    {
      id: C.chicago, name: 'Chicago by Night', description: 'Thursday V5 chronicle', email: 'st@chicagobynight.example',
      date_created: '2026-05-02T18:41:09.230114Z',
      settings: { permission_grant_xp: 'STORYTELLER', permission_manage_campaign: 'STORYTELLER', permission_free_trait_changes: 'WITHIN_24_HOURS' },
    },
    { id: C.anarch, name: 'Anarch Free State', description: 'Open table, West Coast anarchs', email: 'barons@anarchfree.example', settings: { permission_grant_xp: 'UNRESTRICTED' } },
    { id: C.sabbat, name: 'Sabbat Shadows', description: 'Another table entirely', email: 'priscus@sabbat.example', settings: {} },
  ],
  users: [
    member('viktor', { username: 'viktor', email: 'viktor.hale@example.com', role: 'ADMIN', name_first: 'Viktor', name_last: 'Hale' }, 'Viktor', 'a_1b2c3d4e5f60718293a4b5c6d7e8f901'),
    member('celeste', { username: 'celeste', email: 'celeste.ambrose@example.com', role: 'STORYTELLER', name_first: 'Celeste', name_last: 'Ambrose' }, 'Celeste the ST', '0f1e2d3c4b5a69788796a5b4c3d2e1f0'),
    member('mara', { username: 'nightwatch_', email: 'mara.voss@example.com', role: 'PLAYER', name_first: 'Mara', name_last: 'Voss', lifetime_xp: 62, lifetime_cool_points: 2 }, 'Night Watch', '5f3c9e1a7b2d4c6e8f0a1b2c3d4e5f60'),
    member('bastien', { username: 'bastien', email: 'bastien.roy@example.com', role: 'PLAYER', name_first: 'Bastien', name_last: 'Roy', lifetime_xp: 30, lifetime_cool_points: 1 }, 'Bastien'),
    member('nadia', { username: 'nadia_k', email: 'nadia.k@example.com', role: 'UNAPPROVED' }, 'Nadia'),
    member('otto', { username: 'otto', email: 'otto.brandt@example.com', role: 'DEACTIVATED', name_first: 'Otto', name_last: 'Brandt' }, 'Otto'),
    member('ines', { username: 'ines', email: 'ines.ortega@example.com', role: 'PLAYER', name_first: 'Ines', name_last: 'Ortega' }, 'Ines'),
    member('maraAnarch', { username: 'nightwatch_', email: 'mara.voss@example.com', role: 'PLAYER', name_first: 'Mara', name_last: 'Voss', lifetime_xp: 8 }, 'Night Watch', '5f3c9e1a7b2d4c6e8f0a1b2c3d4e5f60'),
    member('rosa', { username: 'rosa', email: 'rosa.baron@example.com', role: 'ADMIN', name_first: 'Rosa', name_last: 'Vega' }, 'Baron Rosa'),
    member('lucrezia', { username: 'lucrezia', email: 'lucrezia@example.com', role: 'ADMIN' }, 'Lucrezia'),
  ],
  campaigns: [
    { id: ids.campaigns.main, company_id: C.chicago, name: MAIN_CAMPAIGN_NAME, description: 'Anarchs versus the Camarilla, 2026.', in_game_date: '2026-03-13', desperation: 2, danger: 3, num_books: 2, num_chapters: 9, date_created: '2026-05-02T18:55:00.000120Z' },
    { id: ids.campaigns.archived, company_id: C.chicago, name: 'Ashes of Gary', description: 'The prologue chronicle.', archived: true },
    { id: ids.campaigns.anarch, company_id: C.anarch, name: 'Free State Nights', in_game_date: '2026-01-01', danger: 2 },
    { id: ids.campaigns.sabbat, company_id: C.sabbat, name: 'Vaulderie', danger: 5 },
  ],
  experience: [
    { id: ids.experience.maraMain, user_id: U.mara.id, campaign_id: ids.campaigns.main, xp_current: 21, xp_total: 57, cool_points: 2 },
    { id: ids.experience.bastienMain, user_id: U.bastien.id, campaign_id: ids.campaigns.main, xp_current: 12, xp_total: 30, cool_points: 1 },
    { id: ids.experience.maraArchived, user_id: U.mara.id, campaign_id: ids.campaigns.archived, xp_current: 5, xp_total: 5, cool_points: 0 },
    { id: ids.experience.maraAnarch, user_id: U.maraAnarch.id, campaign_id: ids.campaigns.anarch, xp_current: 8, xp_total: 8, cool_points: 0 },
  ],
  characters: [
    {
      id: K.lucien, company_id: C.chicago, campaign_id: ids.campaigns.main, name_first: 'Lucien', name_last: 'Carrow', name_nick: 'Luke',
      character_class: 'VAMPIRE', type: 'PLAYER', age: 31, biography: 'Ex-cop, Embraced during a stakeout.',
      user_creator_id: U.mara.id, user_player_id: U.mara.id, num_inventory_items: 2,
      specialties: [{ id: '0197e402-0a0b-7c0d-8e0f-101112131415', name: 'Firearms: Revolvers', type: 'ACTION', description: null }],
      vampire_attributes: { clan_id: '0197d200-aa01-7b02-8c03-d4e5f6071829', clan_name: 'Brujah', generation: 12, sire: 'Unknown', bane_name: 'Violent Temper', bane_description: null, compulsion_name: 'Rebellion', compulsion_description: null },
    },
    {
      id: K.isabeau, company_id: C.chicago, campaign_id: ids.campaigns.main, name_first: 'Isabeau', name_last: 'Lenoir',
      character_class: 'VAMPIRE', type: 'PLAYER', user_creator_id: U.bastien.id, user_player_id: U.bastien.id,
      vampire_attributes: { clan_id: '0197d200-aa01-7b02-8c03-d4e5f607182a', clan_name: 'Toreador', generation: 11, sire: 'Madame Guil', bane_name: 'Aesthetic Fixation', bane_description: null, compulsion_name: 'Obsession', compulsion_description: null },
    },
    { id: K.prince, company_id: C.chicago, campaign_id: ids.campaigns.main, name_first: 'Kwame', name_last: 'Ellison', character_class: 'VAMPIRE', type: 'STORYTELLER', user_creator_id: U.celeste.id, biography: 'Prince of Chicago. The players must not see this sheet.' },
    { id: K.aldo, company_id: C.chicago, campaign_id: ids.campaigns.main, name_first: 'Aldo', name_last: 'Ricci', character_class: 'MORTAL', type: 'NPC', user_creator_id: U.celeste.id, biography: 'A priest who asks too many questions.' },
    { id: K.nox, company_id: C.anarch, campaign_id: ids.campaigns.anarch, name_first: 'Nox', name_last: 'Calder', character_class: 'VAMPIRE', type: 'PLAYER', user_creator_id: U.maraAnarch.id, user_player_id: U.maraAnarch.id },
  ],
  traits: TRAIT_CATALOGUE,
  characterTraits: [
    ...sheet(K.lucien, '0197e402-1c2d-7e3f-8a4b-5c6d7e8f90', LUCIEN),
    ...sheet(K.isabeau, '0197e402-1c2d-7e3f-8a4b-5c6d7e8f91', ISABEAU),
    ...sheet(K.prince, '0197e402-1c2d-7e3f-8a4b-5c6d7e8f92', PRINCE),
    ...sheet(K.nox, '0197e402-1c2d-7e3f-8a4b-5c6d7e8f93', NOX),
  ],
  quickrolls: [
    { id: ids.quickrolls.shoot, user_id: U.mara.id, name: 'Shoot', description: 'Dexterity + Firearms', trait_ids: [T.dexterity, T.firearms] },
    { id: ids.quickrolls.sneak, user_id: U.mara.id, name: 'Sneak', description: 'Dexterity + Stealth', trait_ids: [T.dexterity, T.stealth] },
    { id: ids.quickrolls.command, user_id: U.mara.id, name: 'Command', description: 'Charisma + Dominate (Lucien lacks Dominate)', trait_ids: [T.charisma, T.dominate] },
    { id: ids.quickrolls.secondSight, user_id: U.mara.id, name: 'Second Sight', description: 'Auspex + Occult (Lucien has neither)', trait_ids: [T.auspex, T.occult] },
    { id: ids.quickrolls.seduce, user_id: U.bastien.id, name: 'Seduce', description: 'Charisma + Persuasion', trait_ids: [T.charisma, T.persuasion] },
  ],
  notes: [
    { id: ids.notes.maraRecap, company_id: C.chicago, user_id: U.mara.id, title: 'Session 14 recap', content: "Met the Prince's seneschal at **the Succubus Club**. Owe Bastien a boon.", date_created: '2026-07-12T03:14:15.926535Z', date_modified: '2026-07-12T03:20:00Z' },
    { id: ids.notes.maraBoons, company_id: C.chicago, user_id: U.mara.id, title: 'Boons owed', content: '- Bastien: minor boon (the warehouse)\n- Aldo: nothing yet', date_created: '2026-07-13T01:00:00Z', date_modified: '2026-07-13T01:00:00Z' },
    { id: ids.notes.bastienJournal, company_id: C.chicago, user_id: U.bastien.id, title: 'Gallery opening', content: 'Isabeau hosts the opening on Friday.', date_created: '2026-07-11T22:00:00Z', date_modified: '2026-07-11T22:00:00Z' },
  ],
  diceRolls: [
    roll(1, '2026-07-10T21:10:00Z', { company_id: C.chicago, user_id: U.mara.id, character_id: K.lucien, campaign_id: ids.campaigns.main, player_roll: [1, 3, 6, 8, 10], trait_ids: [T.dexterity, T.firearms], comment: 'Quick roll: Shoot' }),
    roll(2, '2026-07-10T21:20:00Z', { company_id: C.chicago, user_id: U.mara.id, character_id: K.lucien, campaign_id: ids.campaigns.main, player_roll: [2, 4, 5], trait_ids: [T.dexterity, T.stealth], comment: 'Quick roll: Sneak' }),
    roll(3, '2026-07-11T22:00:00Z', { company_id: C.chicago, user_id: U.mara.id, character_id: K.lucien, campaign_id: ids.campaigns.main, player_roll: [10, 10, 7, 6], trait_ids: [T.wits, T.investigation], comment: 'Searching the study' }),
    roll(4, '2026-07-11T22:30:00Z', { company_id: C.chicago, user_id: U.mara.id, character_id: K.lucien, campaign_id: ids.campaigns.main, player_roll: [1, 1, 3], trait_ids: [T.strength, T.brawl], difficulty: 6 }),
    roll(5, '2026-07-12T20:00:00Z', { company_id: C.chicago, user_id: U.mara.id, player_roll: [8, 9], difficulty: 7, comment: 'Luck roll' }),
    roll(6, '2026-07-12T20:30:00Z', { company_id: C.chicago, user_id: U.bastien.id, character_id: K.isabeau, campaign_id: ids.campaigns.main, player_roll: [6, 7, 2, 10], desperation_roll: [4], trait_ids: [T.charisma, T.persuasion], comment: 'Quick roll: Seduce' }),
    roll(7, '2026-07-13T02:00:00Z', { company_id: C.chicago, user_id: U.celeste.id, character_id: K.prince, campaign_id: ids.campaigns.main, player_roll: [9, 9, 9, 3, 1], trait_ids: [T.charisma, T.dominate], comment: 'The Prince commands' }),
    roll(8, '2026-07-13T03:00:00Z', { company_id: C.anarch, user_id: U.maraAnarch.id, character_id: K.nox, campaign_id: ids.campaigns.anarch, player_roll: [5, 6, 9, 3], trait_ids: [T.dexterity, T.stealth] }),
  ],
};

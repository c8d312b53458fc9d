/**
 * The fake's in-memory state. Routes go through these methods, and tests may call them directly to
 * arrange a scenario (`store.createUser(...)`, `store.setCompanySetting(...)`) or to check an
 * outcome (`store.getExperience(userId, campaignId)`).
 */
import { offsetTimestamp, timestamp, uuidv7 } from './ids.js';
import { scoreRoll } from './dice.js';
import type {
  CampaignRow,
  CharacterRow,
  CharacterTraitRow,
  CompanyRow,
  CompanySettings,
  DeveloperPermission,
  DeveloperRow,
  DiceRollRow,
  ExperienceRow,
  Fixture,
  NoteRow,
  QuickrollRow,
  SeedCampaign,
  SeedCharacter,
  SeedCharacterTrait,
  SeedCompany,
  SeedDiceRoll,
  SeedNote,
  SeedQuickroll,
  SeedTrait,
  SeedUser,
  TraitRow,
  UserRow,
} from './model.js';

/** A seed whose id may be left out (a fresh UUID v7 is generated). */
export type NewRow<T extends { id: string }> = Omit<T, 'id'> & { id?: string };

export const DEFAULT_SETTINGS: Omit<CompanySettings, 'id'> = {
  character_autogen_xp_cost: 10,
  character_autogen_num_choices: 3,
  character_autogen_starting_points: 0,
  permission_manage_campaign: 'UNRESTRICTED',
  permission_manage_npc: 'UNRESTRICTED',
  permission_grant_xp: 'UNRESTRICTED',
  permission_free_trait_changes: 'UNRESTRICTED',
  permission_recoup_xp: 'DENIED',
};

export class FakeStore {
  readonly companies = new Map<string, CompanyRow>();
  readonly users = new Map<string, UserRow>();
  readonly campaigns = new Map<string, CampaignRow>();
  readonly experience = new Map<string, ExperienceRow>();
  readonly characters = new Map<string, CharacterRow>();
  readonly traits = new Map<string, TraitRow>();
  readonly characterTraits = new Map<string, CharacterTraitRow>();
  readonly quickrolls = new Map<string, QuickrollRow>();
  readonly notes = new Map<string, NoteRow>();
  readonly diceRolls = new Map<string, DiceRollRow>();
  readonly developer: DeveloperRow;
  readonly startedAt: number;

  constructor(readonly now: () => number = Date.now) {
    this.startedAt = now();
    const at = this.stamp();
    this.developer = {
      id: uuidv7(now()),
      username: 'valentina-bot',
      email: 'ops@valentina-bot.example',
      key_generated: at,
      date_created: at,
      date_modified: at,
      permissions: new Map(),
    };
  }

  stamp(): string {
    return timestamp(this.now());
  }

  newId(): string {
    return uuidv7(this.now());
  }

  /** Adds every row of a fixture (on top of what is already there). */
  load(fixture: Fixture): void {
    const dev = fixture.developer;
    Object.assign(this.developer, { id: dev.id, username: dev.username, email: dev.email });
    for (const c of fixture.companies) this.createCompany(c);
    for (const p of dev.companies) this.grantAccess(p.company_id, p.permission);
    for (const t of fixture.traits) this.createTrait(t);
    for (const c of fixture.campaigns) this.createCampaign(c);
    for (const u of fixture.users) this.createUser(u);
    for (const x of fixture.experience) {
      this.experience.set(x.id, { xp_current: 0, xp_total: 0, cool_points: 0, ...x });
    }
    for (const c of fixture.characters) this.createCharacter(c);
    for (const t of fixture.characterTraits) this.setCharacterTrait(t);
    for (const q of fixture.quickrolls) this.createQuickroll(q);
    for (const n of fixture.notes) this.createNote(n);
    for (const r of fixture.diceRolls) this.createDiceRoll(r);
  }

  // ---- companies and developer access ----

  createCompany(seed: NewRow<SeedCompany>): CompanyRow {
    const at = this.stamp();
    const row: CompanyRow = {
      description: null,
      email: `contact@${seed.name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`,
      date_created: at,
      date_modified: at,
      resources_modified_at: at,
      archived: false,
      ...seed,
      id: seed.id ?? this.newId(),
      settings: { id: this.newId(), ...DEFAULT_SETTINGS, ...seed.settings },
    };
    this.companies.set(row.id, row);
    return row;
  }

  setCompanySetting<K extends keyof Omit<CompanySettings, 'id'>>(companyId: string, key: K, value: CompanySettings[K]): void {
    const company = this.mustGet(this.companies, companyId, 'company');
    company.settings[key] = value;
  }

  /** Gives (or with `null`, removes) the API key's permission on a company. */
  grantAccess(companyId: string, permission: DeveloperPermission | null): void {
    if (permission === null) this.developer.permissions.delete(companyId);
    else this.developer.permissions.set(companyId, permission);
  }

  /** A non-archived company the API key holds a permission on. */
  accessibleCompany(companyId: string): CompanyRow | undefined {
    const company = this.companies.get(companyId);
    if (!company || company.archived || !this.developer.permissions.has(companyId)) return undefined;
    return company;
  }

  touchCompany(companyId: string): void {
    const company = this.companies.get(companyId);
    if (company) company.resources_modified_at = this.stamp();
  }

  // ---- users ----

  createUser(seed: NewRow<SeedUser>): UserRow {
    const at = this.stamp();
    const row: UserRow = {
      name_first: null,
      name_last: null,
      lifetime_xp: 0,
      lifetime_cool_points: 0,
      discord_profile: null,
      google_profile: null,
      github_profile: null,
      apple_profile: null,
      custom_avatar_url: null,
      archived: false,
      date_created: at,
      date_modified: at,
      ...seed,
      id: seed.id ?? this.newId(),
    };
    this.users.set(row.id, row);
    return row;
  }

  getUser(userId: string): UserRow | undefined {
    return this.users.get(userId);
  }

  /** A non-archived user of the company. */
  companyUser(companyId: string, userId: string): UserRow | undefined {
    const user = this.users.get(userId);
    return user && !user.archived && user.company_id === companyId ? user : undefined;
  }

  companyUsers(companyId: string): UserRow[] {
    return [...this.users.values()].filter((u) => !u.archived && u.company_id === companyId);
  }

  updateUser(user: UserRow, changes: Partial<UserRow>): UserRow {
    Object.assign(user, changes, { date_modified: this.stamp() });
    return user;
  }

  /** Archives a user and the data hanging off it. */
  archiveUser(user: UserRow): void {
    this.updateUser(user, { archived: true });
    for (const q of this.quickrolls.values()) if (q.user_id === user.id) q.archived = true;
    for (const n of this.notes.values()) if (n.user_id === user.id) n.archived = true;
  }

  // ---- campaigns and experience ----

  createCampaign(seed: NewRow<SeedCampaign>): CampaignRow {
    const at = this.stamp();
    const row: CampaignRow = {
      description: null,
      in_game_date: null,
      desperation: 0,
      danger: 0,
      num_books: 0,
      num_chapters: 0,
      archived: false,
      date_created: at,
      date_modified: at,
      ...seed,
      id: seed.id ?? this.newId(),
    };
    this.campaigns.set(row.id, row);
    return row;
  }

  /** The (user, campaign) experience record, if one exists. */
  getExperience(userId: string, campaignId: string): ExperienceRow | undefined {
    return [...this.experience.values()].find((x) => x.user_id === userId && x.campaign_id === campaignId);
  }

  /** The (user, campaign) experience record, created zeroed on first touch. */
  ensureExperience(userId: string, campaignId: string): ExperienceRow {
    const existing = this.getExperience(userId, campaignId);
    if (existing) return existing;
    const row: ExperienceRow = { id: this.newId(), user_id: userId, campaign_id: campaignId, xp_current: 0, xp_total: 0, cool_points: 0 };
    this.experience.set(row.id, row);
    return row;
  }

  userExperience(userId: string): ExperienceRow[] {
    return [...this.experience.values()].filter((x) => x.user_id === userId);
  }

  // ---- characters and traits ----

  createCharacter(seed: NewRow<SeedCharacter>): CharacterRow {
    const at = this.stamp();
    const row: CharacterRow = {
      name_nick: null,
      game_version: 'V5',
      status: 'ALIVE',
      starting_points: 0,
      age: null,
      date_of_birth: null,
      biography: null,
      demeanor: null,
      nature: null,
      concept_id: null,
      concept_name: null,
      is_temporary: false,
      date_killed: null,
      user_creator_id: null,
      user_player_id: null,
      num_inventory_items: 0,
      specialties: [],
      vampire_attributes: null,
      werewolf_attributes: null,
      mage_attributes: null,
      hunter_attributes: null,
      chapter_ids: [],
      archived: false,
      date_created: at,
      date_modified: at,
      ...seed,
      id: seed.id ?? this.newId(),
    };
    this.characters.set(row.id, row);
    return row;
  }

  createTrait(seed: NewRow<SeedTrait>): TraitRow {
    const at = this.stamp();
    const row: TraitRow = {
      description: null,
      is_rollable: true,
      min_value: 0,
      max_value: 5,
      sheet_section_id: seed.category_id,
      sheet_section_name: seed.category_name,
      subcategory_id: null,
      subcategory_name: null,
      custom_for_character_id: null,
      character_classes: ['VAMPIRE', 'WEREWOLF', 'MAGE', 'HUNTER', 'GHOUL', 'MORTAL'],
      game_versions: ['V5'],
      pool: null,
      opposing_pool: null,
      system: null,
      sheet_order: this.traits.size,
      date_created: at,
      date_modified: at,
      ...seed,
      id: seed.id ?? this.newId(),
    };
    this.traits.set(row.id, row);
    return row;
  }

  /** Creates or replaces a character's trait value (timestamps kept in the `+00:00` form). */
  setCharacterTrait(seed: NewRow<SeedCharacterTrait>): CharacterTraitRow {
    const at = offsetTimestamp(this.stamp());
    const row: CharacterTraitRow = { date_created: at, date_modified: at, ...seed, id: seed.id ?? this.newId() };
    row.date_created = offsetTimestamp(row.date_created);
    row.date_modified = offsetTimestamp(row.date_modified);
    this.characterTraits.set(row.id, row);
    return row;
  }

  traitsOfCharacter(characterId: string): CharacterTraitRow[] {
    return [...this.characterTraits.values()].filter((t) => t.character_id === characterId);
  }

  /** A Trait id, or the Trait id behind a CharacterTrait id; undefined when neither. */
  resolveTraitId(id: string): string | undefined {
    if (this.traits.has(id)) return id;
    return this.characterTraits.get(id)?.trait_id;
  }

  // ---- quickrolls, notes, dice rolls ----

  createQuickroll(seed: NewRow<SeedQuickroll>): QuickrollRow {
    const at = this.stamp();
    const row: QuickrollRow = {
      description: null,
      archived: false,
      date_created: at,
      date_modified: at,
      ...seed,
      id: seed.id ?? this.newId(),
    };
    this.quickrolls.set(row.id, row);
    return row;
  }

  createNote(seed: NewRow<SeedNote>): NoteRow {
    const at = this.stamp();
    const row: NoteRow = {
      user_id: null,
      character_id: null,
      campaign_id: null,
      archived: false,
      date_created: at,
      date_modified: at,
      ...seed,
      id: seed.id ?? this.newId(),
    };
    this.notes.set(row.id, row);
    return row;
  }

  /** Stores a roll whose faces are known; the result is scored with the API's arithmetic. */
  createDiceRoll(seed: NewRow<SeedDiceRoll>): DiceRollRow {
    const at = this.stamp();
    const { player_roll, desperation_roll = [], ...rest } = seed;
    const diceSize = rest.dice_size ?? 10;
    const difficulty = rest.difficulty === undefined ? 6 : rest.difficulty;
    const row: DiceRollRow = {
      character_id: null,
      campaign_id: null,
      comment: null,
      trait_ids: [],
      archived: false,
      date_created: at,
      date_modified: at,
      ...rest,
      id: rest.id ?? this.newId(),
      dice_size: diceSize,
      difficulty,
      num_dice: player_roll.length,
      num_desperation_dice: desperation_roll.length,
      result: scoreRoll(player_roll, desperation_roll, diceSize, difficulty),
    };
    this.diceRolls.set(row.id, row);
    return row;
  }

  private mustGet<T>(map: Map<string, T>, id: string, what: string): T {
    const row = map.get(id);
    if (row === undefined) throw new Error(`No ${what} ${id} in the fake store`);
    return row;
  }
}

/**
 * Every Redis key name the bot uses, in one place, under the deployment's prefix (`REDIS_PREFIX`,
 * hash-tagged on a cluster so that a feature's keys share a slot). Features receive `deps.keys` and
 * never build a key from the prefix themselves; a new key is added here, next to its feature's others,
 * with a line saying what it holds.
 */

/** One approval request: a Valentina user of a company. */
interface CompanyUser {
  companyId: string;
  userId: string;
}

export function createKeyspace(prefix: string) {
  return {
    /** BullMQ's key prefix for this deployment's queues. */
    queuePrefix: `${prefix}:bull`,

    identity: {
      /** A guild's binding to a Valentina company (JSON). */
      guildBinding: (guildId: string) => `${prefix}:guild:${guildId}`,
      /** Set of the guilds bound to a company. */
      guildsByCompany: (companyId: string) => `${prefix}:company-guilds:${companyId}`,
      /** Set of every bound guild. */
      boundGuilds: () => `${prefix}:guilds`,
      /** The binding of a server that removed the bot (JSON, expires): `/setup restore` brings it back. */
      archivedBinding: (guildId: string) => `${prefix}:guild-archive:${guildId}`,
      /** Claimed by the one process that welcomes a server joined at `joinedAt` (epoch ms). */
      welcomeClaim: (guildId: string, joinedAt: number) => `${prefix}:guild-welcome:${guildId}:${joinedAt}`,
      /** Discord user → Valentina users, cached. */
      lookup: (discordUserId: string) => `${prefix}:ident:${discordUserId}`,
      /** One lookup at a time per Discord user. */
      lookupLock: (discordUserId: string) => `${prefix}:ident-lock:${discordUserId}`,
      /** The company a user picked for DMs. */
      dmCompany: (discordUserId: string) => `${prefix}:dm-company:${discordUserId}`,
      /** A single-use OAuth `state` of the link flow. */
      oauthState: (token: string) => `${prefix}:oauth:${token}`,
      /** Marks an OAuth `state` as issued (kept after use, to tell "used" from "unknown"). */
      oauthIssued: (token: string) => `${prefix}:oauth-issued:${token}`,
      /** One identify call at a time per Discord user (two first-time calls would create two users). */
      identifyLock: (discordUserId: string) => `${prefix}:identify-lock:${discordUserId}`,
    },

    directory: {
      companies: () => `${prefix}:dir:companies`,
      company: (companyId: string) => `${prefix}:dir:company:${companyId}`,
      campaigns: (companyId: string) => `${prefix}:dir:campaigns:${companyId}`,
      /** Claimed by the one process loading a missing directory entry (`cacheKey`: one of the keys above). */
      fillClaim: (cacheKey: string) => `${cacheKey}:fill`,
    },

    approvals: {
      /** Hash guildId → `channelId:messageId` of the posted requests of one user. */
      posted: (subject: CompanyUser) => `${prefix}:approval-posted:${subject.companyId}:${subject.userId}`,
      /** Set of the company's users with a posted, undecided request (reconciliation closes stale ones). */
      open: (companyId: string) => `${prefix}:approval-open:${companyId}`,
      /** A decision state as JSON (src/approvals/queue.ts). */
      decision: (subject: CompanyUser) => `${prefix}:approval-decision:${subject.companyId}:${subject.userId}`,
      /** Cached merge targets of a company. */
      mergeTargets: (companyId: string) => `${prefix}:approval-merge-targets:${companyId}`,
    },

    experience: {
      /** One XP or cool-point change at a time per player and campaign, across processes. */
      lock: (companyId: string, userId: string, campaignId: string) => `${prefix}:xp-lock:${companyId}:${userId}:${campaignId}`,
      /** A change waiting for its Confirm button (JSON). */
      confirm: (interactionId: string) => `${prefix}:xp-confirm:${interactionId}`,
      /** Claimed once by the Confirm click that applies the change. */
      confirmClaim: (interactionId: string) => `${prefix}:xp-confirm:${interactionId}:claim`,
      /** A session award's panel waiting for its Confirm click: members, skipped, left out (JSON). */
      session: (interactionId: string) => `${prefix}:xp-session:${interactionId}`,
      /** Claimed once by the Confirm click that starts a session award. */
      sessionClaim: (interactionId: string) => `${prefix}:xp-session:${interactionId}:claim`,
      /** Hash member id → outcome of a running session award: its checkpoint across restarts. */
      sessionResults: (interactionId: string) => `${prefix}:xp-session:${interactionId}:results`,
      /** The company's XP ledger: a stream of every change the bot made, trimmed by age (src/experience/ledger.ts). */
      ledger: (companyId: string) => `${prefix}:xp-ledger:${companyId}`,
      /** The ledger entry id recorded under one change's key, so a retried write is recorded once. */
      ledgerIndex: (companyId: string, changeKey: string) => `${prefix}:xp-ledger-key:${companyId}:${changeKey}`,
      /** Set once a ledger entry was undone: the id of the entry that undid it. */
      ledgerUndone: (companyId: string, entryId: string) => `${prefix}:xp-ledger-undone:${companyId}:${entryId}`,
      /** Where a change's public record can be edited while its interaction token lives (JSON; the token is a secret). */
      ledgerRecord: (companyId: string, entryId: string) => `${prefix}:xp-ledger-record:${companyId}:${entryId}`,
    },

    notes: {
      /** The open burst of a user's DMs. */
      burst: (discordUserId: string) => `${prefix}:notes:burst:${discordUserId}`,
      /** Prefix of the parts of a burst (one key per part id). */
      partsPrefix: () => `${prefix}:notes:parts:`,
      /** A burst waiting for its author to pick a company. */
      awaitCompany: (discordUserId: string) => `${prefix}:notes:await-company:${discordUserId}`,
      /** A once-per-cooldown flag (`explain`, `ask-company`, …) per user. */
      cooldown: (what: string, discordUserId: string) => `${prefix}:notes:${what}:${discordUserId}`,
      /** An edit of a note being written in a form. */
      draft: (discordUserId: string, noteId: string) => `${prefix}:notes:draft:${discordUserId}:${noteId}`,
      /** A user's note titles. */
      index: (owner: CompanyUser) => `${prefix}:notes:index:${owner.companyId}:${owner.userId}`,
      /** A recently seen note body. */
      body: (owner: CompanyUser, noteId: string) => `${prefix}:notes:body:${owner.companyId}:${owner.userId}:${noteId}`,
    },

    quickrolls: {
      /** Cached quickrolls, characters, sheets and trait catalogue (`kind`), by company/user/character. */
      cache: (kind: 'list' | 'chars' | 'sheet' | 'traits', ...parts: string[]) => `${prefix}:quickroll:${kind}:${parts.join(':')}`,
      /** What a reroll needs of a roll (JSON). */
      reroll: (rollId: string) => `${prefix}:quickroll:reroll:${rollId}`,
      /** Taken by the one reroll of a roll (a double press rolls once). */
      rerollClaim: (rollId: string) => `${prefix}:quickroll:reroll-claim:${rollId}`,
      /** A posted quickroll board: its owner, channel and characters (JSON), by message id. */
      board: (messageId: string) => `${prefix}:quickroll:board:${messageId}`,
      /** Sorted set (score = posting time) of a player's board message ids, for refreshing them. */
      boardsOf: (companyId: string, userId: string) => `${prefix}:quickroll:boards:${companyId}:${userId}`,
    },

    rolls: {
      /** Cached living characters of a company, as staff or as a player sees them (`tier`). */
      roster: (companyId: string, tier: 'staff' | 'player') => `${prefix}:roll:roster:${companyId}:${tier}`,
      /** What "Roll again" and "Save as quickroll" need of a `/roll` result (JSON). */
      made: (rollId: string) => `${prefix}:roll:made:${rollId}`,
      /** Claimed once by the "Save as quickroll" that creates the quickroll of a roll. */
      saved: (rollId: string) => `${prefix}:roll:saved:${rollId}`,
      /** A roll request waiting for its player (JSON). */
      request: (requestId: string) => `${prefix}:roll:request:${requestId}`,
      /** Claimed once: by the press that rolls a request, or by its expiry. */
      requestClaim: (requestId: string) => `${prefix}:roll:request:${requestId}:claim`,
    },

    stats: {
      company: (companyId: string) => `${prefix}:stats:company:${companyId}`,
      user: (companyId: string, userId: string) => `${prefix}:stats:user:${companyId}:${userId}`,
    },

    /** Valentina's request budget, shared by every process (src/valentina/budget.ts). */
    valentinaBudget: () => `${prefix}:valentina-budget`,

    gateway: {
      /** The shard lease of one Discord application (src/discord/shard-lease.ts). */
      holders: (applicationId: string) => `${prefix}:gateway:${applicationId}:holders`,
      shard: (applicationId: string, shardId: number) => `${prefix}:gateway:${applicationId}:shard:${shardId}`,
    },
  };
}

export type Keyspace = ReturnType<typeof createKeyspace>;
export type IdentityKeys = Keyspace['identity'];
export type DirectoryKeys = Keyspace['directory'];
export type ApprovalKeys = Keyspace['approvals'];
export type NotesKeys = Keyspace['notes'];
export type StatsKeys = Keyspace['stats'];
export type GatewayKeys = Keyspace['gateway'];

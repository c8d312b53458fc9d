/**
 * The shapes every command module and component handler is written against. Later features extend
 * {@link BotDeps} with what they need (identity resolver, queues, …); handlers receive it as an
 * argument, so tests hand in real fakes.
 */
import type {
  APIModalInteractionResponseCallbackData,
  ApplicationCommandOptionChoiceData,
  AutocompleteInteraction,
  BaseMessageOptions,
  ChatInputCommandInteraction,
  Message,
  MessageComponentInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
  UserContextMenuCommandInteraction,
} from 'discord.js';
import type { RedisConnection } from '../redis.js';
import type { Config } from '../config.js';
import type { Keyspace } from '../keyspace.js';
import type { REST } from '@discordjs/rest';
import type { Queue } from 'bullmq';
import type { CompanyDirectory } from '../cache/directory.js';
import type { NoteCaches } from '../cache/notes.js';
import type { QuickrollCaches } from '../cache/quickrolls.js';
import type { RollCaches } from '../cache/rolls.js';
import type { BotMetrics } from '../http/metrics.js';
import type { ValentinaHealth } from '../http/valentina-health.js';
import type { StatsCache } from '../stats/figures.js';
import type { ChartWorkerPool } from '../stats/worker-pool.js';
import type { GuildBindingStore } from '../identity/guild-binding.js';
import type { OAuthState, OAuthStateStore } from '../identity/oauth-state.js';
import type { IdentityResolver } from '../identity/resolver.js';
import type { Logger } from '../logger.js';
import type { DeliveryQueue } from '../queue/deliveries.js';
import type { RedisRequestBudget, User, ValentinaClient } from '../valentina/index.js';

export interface BotDeps {
  config: Config;
  logger: Logger;
  /** Plain connection (no ioredis keyPrefix); every key name comes from {@link BotDeps.keys}. */
  redis: RedisConnection;
  /** The Redis key names of every feature (src/keyspace.ts). */
  keys: Keyspace;
  valentina: ValentinaClient;
  /** Valentina's request budget, shared by the deployment's processes (the client spends it; queued writes reserve from it). */
  budget: RedisRequestBudget;
  metrics: BotMetrics;
  /** Whether Valentina answers, from the bot's own requests (`/readyz` and `/status`). */
  valentinaHealth: Pick<ValentinaHealth, 'check' | 'status'>;
  /** Guild ↔ company bindings (named to fit `IdentityContextDeps` in src/identity/context.ts). */
  bindings: GuildBindingStore;
  /** Discord user → Valentina user, cached. */
  resolver: IdentityResolver;
  /** Single-use OAuth `state` tokens of the link flow. */
  oauthStates: OAuthStateStore;
  /** Messages that must reach Discord exactly once (enqueue from any role; the worker role delivers). */
  deliveries: DeliveryQueue;
  /** Cached companies and campaigns, for pickers and autocomplete. */
  directory: CompanyDirectory;
  /** Discord REST with the bot token, for messages outside an interaction (DMs, follow-ups of the link flow). */
  rest: REST;
  /** ioredis connection with BullMQ's settings, for feature queues (producer side). */
  queueConnection: RedisConnection;
  /** Renders `/stats` charts in a worker thread (started on first use). */
  charts: Pick<ChartWorkerPool, 'render'>;
  /** The command registry, for commands that describe the others (`/help`). */
  commands: readonly CommandModule[];
  /** A user's note titles and recently seen note bodies (src/notes/cache.ts). */
  noteCaches: NoteCaches;
  /** Quickrolls, characters, sheets and the trait catalogue behind `/quickroll` (src/quickrolls/catalogue.ts). */
  quickrollCaches: QuickrollCaches;
  /** The company's characters behind `/roll` (src/rolls/roster.ts). */
  rollCaches: RollCaches;
  /** `/stats` figures, a minute each (src/stats/figures.ts). */
  statsCache: StatsCache;
  /** Bursts of DMs waiting to become notes (producer side; src/notes/queue.ts). */
  notesQueue: Queue;
  /** XP changes queued until the request budget has room (producer side; src/experience/queued.ts). */
  xpQueue: Queue;
  /** One XP change at a time per player and campaign, in this process and across processes (src/experience/serialize.ts). */
  experienceLocks: ExperienceChangeLocks;
  /** Session awards, one job each, granting member by member (producer side; src/experience/session-run.ts). */
  xpSessionQueue: Queue;
  /** Roll requests' expiry, one delayed job per request (producer side; src/rolls/request-queue.ts). */
  rollRequests: Queue;
  /** Approval requests of new Valentina users, one job per (company, user) (src/approvals/queue.ts). */
  approvals: ApprovalRequests;
  /** What happens once linking created a new, unapproved Valentina user (app.ts: an approval request is queued). */
  onAccountCreated: AccountCreatedHook;
}

/** Called once linking created a new, unapproved Valentina user. */
export type AccountCreatedHook = (user: User, state: OAuthState) => Promise<void>;

/** One approval request: a Valentina user of a company. */
export interface ApprovalRequestSubject {
  companyId: string;
  userId: string;
}

/** The approval-request queue (producer side), as the features use it; `ApprovalQueue` implements it. */
export interface ApprovalRequests {
  readonly queue: Queue;
  /** Asks for the request to be posted; one already queued, running or failed is not added again. */
  enqueue(job: ApprovalRequestSubject): Promise<void>;
  /** Queues the request again with a new generation (a fresh Discord nonce). */
  repost(job: ApprovalRequestSubject, generation: string): Promise<'queued' | 'running'>;
  /** The company's requests whose posting ran out of attempts. */
  failed(companyId: string): Promise<Array<{ userId: string; reason: string; at: number }>>;
  scheduleReconciliation(now?: Date): Promise<void>;
  close(): Promise<void>;
}

/** One XP change at a time per lock key (`keys.experience.lock`), here and in other processes; `ExperienceLocks` (src/experience/serialize.ts) implements it. */
export interface ExperienceChangeLocks {
  oneAtATime<T>(key: string, action: () => Promise<T>): Promise<T>;
}

/** Handles a message sent to the bot in DMs (never called for bots' own messages or guild messages). */
export type DirectMessageHandler = (message: Message, deps: BotDeps) => Promise<void>;

/** What a handler wants shown. `ephemeral` defaults to the command's {@link CommandModule.visibility}. */
export interface ReplyMessage extends Pick<BaseMessageOptions, 'content' | 'embeds' | 'components' | 'files' | 'allowedMentions'> {
  ephemeral?: boolean;
}

/**
 * A form (modal) instead of a message. Discord accepts a form only as the first response, and nothing
 * can follow it on the same interaction: the form's submission is a new interaction. When the handler
 * took so long that a deferral already went out, the user is shown `late` instead.
 */
export interface ModalAnswer {
  modal: APIModalInteractionResponseCallbackData;
  /** What to say when the form can no longer be shown; it should say how to open it again. */
  late: string;
}

/** What a command handler answers with: a message, or a form. */
export type CommandAnswer = ReplyMessage | ModalAnswer;

/** A component handler changes the message its component sits on, answers with a new one, or opens a form. */
export type ComponentReply = { update: ReplyMessage } | { reply: ReplyMessage } | ModalAnswer;

export type ComponentInteraction = MessageComponentInteraction | ModalSubmitInteraction;

/** A choice list for autocomplete; at most 25 are sent. */
export type Choices = Array<ApplicationCommandOptionChoiceData<string | number>>;

/**
 * A component handler bound to one custom id route. Built with `componentRoute()` (components.ts),
 * which decodes the id with the route's schema before the handler runs.
 */
export interface ComponentRoute {
  readonly name: string;
  readonly version: number;
  run(interaction: ComponentInteraction, customId: string, deps: BotDeps): Promise<ComponentReply | 'stale' | 'malformed' | 'unknown'>;
}

/** Anything that renders to a chat-input command body: a SlashCommandBuilder in any of its states. */
export interface CommandDefinition {
  readonly name: string;
  readonly description: string;
  toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody;
}

/** A command on a member's Apps menu (right-click → Apps), registered and answered with its slash command. */
export interface UserMenuCommand {
  data: { readonly name: string; toJSON(): RESTPostAPIContextMenuApplicationCommandsJSONBody };
  /** How answers and automatic deferrals show; default `ephemeral`. */
  visibility?: 'ephemeral' | 'public';
  execute(interaction: UserContextMenuCommandInteraction, deps: BotDeps): Promise<ReplyMessage>;
}

export interface CommandModule {
  data: CommandDefinition;
  /** Member menu commands that belong with this one (e.g. "XP history" with `/xp`). */
  userMenus?: readonly UserMenuCommand[];
  /** How answers and automatic deferrals show; default `ephemeral`. */
  visibility?: 'ephemeral' | 'public';
  /** Who may use it, as `/help` says it (default: everyone, or the members a server manager allows). */
  audience?: string;
  /**
   * For commands (and their buttons) that change things in Valentina: how a user checks whether a
   * change cut short by a restart was applied, e.g. "Check with `/xp show` before you send it again."
   */
  howToCheck?: string;
  /** Returns what to show; the router sends it in time (see respond.ts). Throw `UserError` for user mistakes. */
  execute(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<CommandAnswer>;
  /** Must be quick: the router answers `[]` if it throws or is late. */
  autocomplete?(interaction: AutocompleteInteraction, deps: BotDeps): Promise<Choices>;
  components?: readonly ComponentRoute[];
}

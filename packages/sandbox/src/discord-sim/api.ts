/** Types of the test-facing simulator API (see index.ts for the overview). */
import type { FaultRule } from './faults.js';
import type { RateLimitControls } from './rate-limit.js';
import type {
  SimAttachment,
  SimChannel,
  SimCommand,
  SimComponent,
  SimEmbed,
  SimGuild,
  SimMessage,
  SimRole,
  SimUser,
  UnknownRoute,
  Violation,
} from './model.js';

export interface DiscordSimulatorOptions {
  /** Port to bind on 127.0.0.1; 0 / omitted picks a free one. */
  port?: number;
  /** The token the bot must present as `Authorization: Bot <token>` and in IDENTIFY. */
  botToken: string;
  applicationId: string;
  /** The bot's own user; default id = applicationId, username `bot`. */
  botUser?: { id: string; username: string };
  /** OAuth2 redirects registered for the application (Developer Portal → OAuth2 → Redirects); default none. */
  redirectUris?: string[];
  /** OAuth2 client secret; default `sim-client-secret`. */
  clientSecret?: string;
  /** HELLO heartbeat interval; default 41 250 ms (use ~1 000 in tests). */
  heartbeatIntervalMs?: number;
  /** Time the bot has for the initial interaction response; default 3 000 ms. */
  initialResponseDeadlineMs?: number;
  /** Validity of interaction tokens for edits and follow-ups; default 15 min. */
  interactionTokenTtlMs?: number;
  /** Window in which a repeated `nonce` + `enforce_nonce` returns the first message; default 5 min. */
  nonceWindowMs?: number;
  /**
   * The application's *Server Members Intent* switch (developer portal → Bot). Off by default, as for a
   * new application: List Guild Members answers 403 Missing Access without it.
   */
  serverMembersIntent?: boolean;
  /** Clock in epoch ms (token expiry, nonce window); default Date.now. */
  now?: () => number;
}

export interface AddUserInput {
  id?: string;
  username: string;
  globalName?: string | null;
  bot?: boolean;
  email?: string | null;
  verified?: boolean;
  avatar?: string | null;
}

export interface AddGuildInput {
  id?: string;
  name: string;
  /** Default: a fresh owner user is created. */
  ownerId?: string;
  /** Extra channels; a text channel `general` is always created first. */
  channels?: Array<{ id?: string; name: string; type?: number }>;
  /** false: the server has no system messages channel; default `general`. */
  systemChannel?: boolean;
  /** Extra permissions the owner grants the bot's role when adding it, e.g. `PermissionFlagsBits.ViewAuditLog`. */
  botPermissions?: bigint;
}

/** Who adds the bot to a server, and with which extra permissions for its role. */
export interface AddBotInput {
  /** Default: the server's owner. Recorded as the audit log's BOT_ADD entry. */
  by?: string;
  botPermissions?: bigint;
}

export interface AddMemberInput {
  /** Ids of existing roles of the guild. */
  roles?: string[];
  /** Permissions granted through a dedicated role, e.g. `PermissionFlagsBits.ManageGuild`. */
  permissions?: bigint;
  nick?: string | null;
}

/** Who acts and where: omit `guildId` for a DM with the bot. */
export interface InteractionOrigin {
  user: SimUser | string;
  guildId?: string;
  /** Default: the guild's default channel, or the DM channel with the user. */
  channelId?: string;
  locale?: string;
}

export type OptionValue = string | number | boolean;

export interface SlashCommandInput extends InteractionOrigin {
  command: string;
  subcommandGroup?: string;
  subcommand?: string;
  /** Typed by the registered command's option types; user/channel/role ids are resolved. */
  options?: Record<string, OptionValue>;
}

/** A user context menu command (Apps → name, on a member), as a user runs it. */
export interface UserContextMenuInput extends InteractionOrigin {
  /** The command's registered name, e.g. `XP history`. */
  command: string;
  /** The member (or user) it is run on. */
  targetId: string;
}

export interface AutocompleteInput extends SlashCommandInput {
  /** Name of the option being typed in. */
  focused: string;
}

export interface ComponentInput extends InteractionOrigin {
  /** The message carrying the component (a message the bot sent). */
  message: SimMessage;
  customId: string;
}

export interface SelectMenuInput extends ComponentInput {
  values: string[];
}

export interface ModalSubmitInput extends InteractionOrigin {
  customId: string;
  /** Text input custom ids → submitted values. */
  fields: Record<string, string>;
  /** Set when the modal was opened from a component on this message. */
  message?: SimMessage;
}

export interface InteractionResponse {
  type: number;
  data: Record<string, unknown> | null;
}

export interface AutocompleteChoice {
  name: string;
  value: string | number;
}

/** What the user sees of a message. */
export interface VisibleReply {
  content: string;
  embeds: SimEmbed[];
  components: SimComponent[];
  flags: number;
  ephemeral: boolean;
  attachments: SimAttachment[];
  message: SimMessage;
}

export interface WaitOptions {
  timeoutMs?: number;
}

export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** The first callback ({type, data}); rejects when none arrives within the deadline. */
  initialResponse(): Promise<InteractionResponse>;
  /** The visible reply; waits for the `@original` edit when the response was deferred. */
  reply(options?: WaitOptions): Promise<VisibleReply>;
  /** Follow-up messages so far, oldest first. */
  readonly followUps: SimMessage[];
  /** The next follow-up not yet returned by this method. */
  waitForFollowUp(options?: WaitOptions): Promise<SimMessage>;
  /** Latest state of the `@original` message (or of the component's message after an update). */
  readonly original: SimMessage | undefined;
}

export interface WaitForMessageInput {
  channelId?: string;
  /** Messages the bot sent in the DM channel with this user. */
  dmUserId?: string;
  predicate?: (message: SimMessage) => boolean;
  /** Default 5 000 ms. */
  timeoutMs?: number;
}

export interface SendDmInput {
  attachments?: Array<{ filename: string; data: Buffer; contentType?: string }>;
}

export interface SetChannelPermissionsInput {
  botCanView?: boolean;
  botCanSend?: boolean;
  botCanEmbed?: boolean;
}

/**
 * One entry of a command's permission overrides in a guild, as a server admin sets them under
 * Server Settings → Integrations: a user, a role (the guild id is @everyone) or a channel.
 */
export interface CommandPermissionInput {
  id: string;
  type: 'user' | 'role' | 'channel';
  allow: boolean;
}

export interface GatewayControls {
  /** Closes open sockets; resumable ⇒ code 4000 (client RESUMEs), else 1000 + session dropped. */
  disconnect(options?: { resumable?: boolean; shardId?: number }): void;
  readonly identifyCount: number;
  readonly resumeCount: number;
  /** WebSocket connections accepted so far. */
  readonly connections: number;
  /** Resolves when a session (of the given shard) has received READY and its GUILD_CREATEs. */
  waitForReady(options?: { shardId?: number; timeoutMs?: number }): Promise<void>;
  /** Resolves on the next RESUMED sent. */
  waitForResume(options?: WaitOptions): Promise<void>;
}

export interface OAuthControls {
  /**
   * Follows an authorize URL as `userId` consenting; returns the redirect URL with code and state. Throws,
   * as Discord shows "Invalid OAuth2 redirect_uri", when the redirect_uri is not one of `application.redirectUris`.
   */
  authorize(input: { userId: string; url: string }): string;
  /** Mints an access token without the browser dance. */
  issueToken(userId: string, scopes: string[]): { accessToken: string; refreshToken: string };
}

/**
 * The application's settings in the Developer Portal that `GET /applications/@me` reports: the OAuth2
 * redirects and the Interactions Endpoint URL (set, Discord sends interactions there instead of the gateway).
 */
export interface ApplicationControls {
  redirectUris: string[];
  interactionsEndpointUrl: string | null;
}

export interface FaultControls {
  inject(rule: FaultRule): void;
  clear(): void;
}

export interface DiscordSimulator {
  /** Base for `DISCORD_API_URL`, e.g. `http://127.0.0.1:PORT/api` (discord.js appends `/v10`). */
  readonly apiUrl: string;
  /** `ws://127.0.0.1:PORT/gateway` */
  readonly gatewayUrl: string;
  readonly botUser: SimUser;
  readonly applicationId: string;
  addUser(input: AddUserInput): SimUser;
  addGuild(input: AddGuildInput): SimGuild;
  addMember(guildId: string, userId: string, input?: AddMemberInput): void;
  /** A new role in the guild (no permissions unless given), announced to the bot (GUILD_ROLE_CREATE). */
  addRole(guildId: string, input: { name: string; permissions?: bigint }): SimRole;
  /** Gives a member a role, as Add Guild Member Role does (GUILD_MEMBER_UPDATE, GUILD_MEMBERS intent). */
  addMemberRole(guildId: string, userId: string, roleId: string): void;
  /**
   * Connects a member to a voice channel (or moves them), or disconnects them with `null`: a
   * VOICE_STATE_UPDATE to sessions with the GUILD_VOICE_STATES intent, and in later GUILD_CREATEs.
   */
  setVoiceChannel(guildId: string, userId: string, channelId: string | null): void;
  /** The member leaves the server (GUILD_MEMBER_REMOVE, sent only to sessions with the GuildMembers intent). */
  removeMember(guildId: string, userId: string): void;
  /**
   * A server manager removes the bot: its member and managed role go, the session receives GUILD_DELETE
   * (without `unavailable`), and the bot's requests about the server answer 403 Missing Access.
   */
  removeBot(guildId: string): void;
  /**
   * A server manager adds the bot (back): a fresh member and managed role, a BOT_ADD audit log entry
   * (readable with View Audit Log at `GET /guilds/{id}/audit-logs`), then GUILD_CREATE.
   */
  addBot(guildId: string, input?: AddBotInput): void;
  /** A new channel in the guild (text unless `type` says otherwise), announced to the bot. */
  addChannel(guildId: string, input: { name: string; type?: number }): SimChannel;
  setChannelPermissions(channelId: string, input: SetChannelPermissionsInput): void;
  /**
   * Replaces the overrides of `/command` in the guild. Without overrides, a command is offered only to
   * members holding its `default_member_permissions` (the owner and Administrators always).
   */
  setCommandPermissions(guildId: string, command: string, permissions: CommandPermissionInput[]): void;
  /** Registered commands: global without `guildId`. */
  commands(filter?: { guildId?: string }): SimCommand[];
  slashCommand(input: SlashCommandInput): Promise<InteractionHandle>;
  autocomplete(input: AutocompleteInput, options?: WaitOptions): Promise<AutocompleteChoice[]>;
  userContextMenu(input: UserContextMenuInput): Promise<InteractionHandle>;
  clickButton(input: ComponentInput): Promise<InteractionHandle>;
  selectMenu(input: SelectMenuInput): Promise<InteractionHandle>;
  submitModal(input: ModalSubmitInput): Promise<InteractionHandle>;
  sendDM(user: SimUser | string, content: string, input?: SendDmInput): Promise<SimMessage>;
  /**
   * The oldest message the bot sent (matching the filters) that no earlier call returned; waits for
   * one when there is none yet. A predicate is also re-checked when a message is edited.
   */
  waitForMessage(input?: WaitForMessageInput): Promise<SimMessage>;
  channelMessages(channelId: string): SimMessage[];
  dmMessages(userId: string): SimMessage[];
  /** Emoji → ids of users who reacted. */
  reactions(messageId: string): Map<string, string[]>;
  readonly gateway: GatewayControls;
  readonly oauth: OAuthControls;
  /** The application as the Developer Portal would have it; change the fields to misconfigure it. */
  readonly application: ApplicationControls;
  readonly faults: FaultControls;
  /**
   * Discord's global limit (50 bot-token requests a second across all connections): requests per
   * one-second window and how many were refused with a global 429.
   */
  readonly rateLimit: RateLimitControls;
  readonly violations: Violation[];
  readonly unknownRoutes: UnknownRoute[];
  close(): Promise<void>;
}

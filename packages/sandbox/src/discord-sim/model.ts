/** Records the simulator keeps: users, guilds, channels, messages, commands, interactions. */

export interface SimUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
  email: string | null;
  verified: boolean;
  avatar: string | null;
}

export interface SimRole {
  id: string;
  guildId: string;
  name: string;
  permissions: bigint;
  position: number;
  /** The role Discord creates for a bot when it joins (holds the bot's permissions). */
  managed: boolean;
}

/** Per-channel switches for what the bot may do there (rendered as a member overwrite). */
export interface BotChannelPermissions {
  botCanView: boolean;
  botCanSend: boolean;
  botCanEmbed: boolean;
}

export interface SimChannel {
  id: string;
  name: string;
  /** Discord channel type: 0 text, 1 DM, 2 voice, 4 category, 5 announcement. */
  type: number;
  guildId: string | null;
  position: number;
  /** DM channels only: the user on the other side. */
  recipientId: string | null;
  bot: BotChannelPermissions;
}

export interface SimGuild {
  id: string;
  name: string;
  ownerId: string;
  /** The `#general`-like channel created with the guild. */
  defaultChannelId: string;
  /** Where Discord posts join messages (Server Settings → System Messages); null when turned off. */
  systemChannelId: string | null;
  channelIds: string[];
  roleIds: string[];
}

/** Audit log action type of a bot added to a server. */
export const AUDIT_BOT_ADD = 28;

/** One audit log entry (the simulator records only BOT_ADD). */
export interface SimAuditEntry {
  id: string;
  guildId: string;
  /** Who did it. */
  userId: string;
  targetId: string;
  actionType: number;
}

export interface SimMember {
  guildId: string;
  userId: string;
  roles: string[];
  joinedAt: string;
  nick: string | null;
}

/** Where a member is connected for voice (Discord's voice state object, the parts a bot reads). */
export interface SimVoiceState {
  guildId: string;
  userId: string;
  channelId: string;
  sessionId: string;
  selfMute: boolean;
  selfDeaf: boolean;
}

export interface SimAttachment {
  id: string;
  filename: string;
  contentType: string | null;
  size: number;
  description: string | null;
  /** The uploaded bytes (for bot uploads) or the bytes a test attached to a DM. */
  data: Buffer;
  url: string;
}

/** A component as sent by the bot (action rows, buttons, select menus, text inputs, …). */
export interface SimComponent {
  type: number;
  custom_id?: string;
  label?: string;
  style?: number;
  disabled?: boolean;
  url?: string;
  options?: Array<{ label: string; value: string; description?: string; default?: boolean }>;
  components?: SimComponent[];
  component?: SimComponent;
  [key: string]: unknown;
}

/** An embed as sent by the bot. */
export interface SimEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  timestamp?: string;
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
  footer?: { text: string; icon_url?: string };
  author?: { name: string; url?: string; icon_url?: string };
  image?: { url: string };
  thumbnail?: { url: string };
  [key: string]: unknown;
}

export interface SimMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  content: string;
  embeds: SimEmbed[];
  components: SimComponent[];
  flags: number;
  attachments: SimAttachment[];
  timestamp: string;
  editedTimestamp: string | null;
  nonce: string | null;
  /** Set on interaction responses and follow-ups. */
  interactionId: string | null;
  /** Set on messages sent through the interaction webhook. */
  webhookId: string | null;
  referencedMessageId: string | null;
  deleted: boolean;
}

export interface SimCommandOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  options?: SimCommandOption[];
  /** Bounds Discord's client enforces before it sends the command (numbers; string lengths). */
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  [key: string]: unknown;
}

export interface SimCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  name: string;
  description: string;
  type: number;
  options: SimCommandOption[];
  version: string;
  default_member_permissions: string | null;
  [key: string]: unknown;
}

export interface Violation {
  rule: string;
  detail: string;
}

export interface UnknownRoute {
  method: string;
  path: string;
}

/** Flags of a message Discord shows only to the invoking user. */
export const EPHEMERAL_FLAG = 1 << 6;

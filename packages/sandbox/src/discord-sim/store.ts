/** In-memory state of the simulated Discord: users, guilds, channels, members, messages, commands. */
import { EventEmitter } from 'node:events';
import { PermissionFlagsBits } from 'discord.js';
import type { AddGuildInput, AddMemberInput, AddUserInput, CommandPermissionInput } from './api.js';
import { AUDIT_BOT_ADD, type SimAuditEntry, type SimChannel, type SimCommand, type SimGuild, type SimMember, type SimMessage, type SimRole, type SimUser, type SimVoiceState } from './model.js';
import type { SnowflakeFactory } from './snowflake.js';

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** What @everyone may do in a fresh guild. */
export const EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.UseExternalEmojis;

/** What the bot's managed role grants. */
export const BOT_ROLE_PERMISSIONS = EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageMessages;

export interface StoreEvents {
  /** A message was created or changed (by anyone). */
  message: [message: SimMessage];
}

export class SimStore extends EventEmitter<StoreEvents> {
  readonly users = new Map<string, SimUser>();
  readonly guilds = new Map<string, SimGuild>();
  readonly channels = new Map<string, SimChannel>();
  readonly roles = new Map<string, SimRole>();
  /** `${guildId}:${userId}` → member */
  readonly members = new Map<string, SimMember>();
  /** `${guildId}:${userId}` → where the member is connected for voice */
  readonly voiceStates = new Map<string, SimVoiceState>();
  readonly messages = new Map<string, SimMessage>();
  /** channel id → its messages, oldest first (deleted ones included), so per-channel reads do not scan every message. */
  readonly #byChannel = new Map<string, SimMessage[]>();
  /** DM recipient id → DM channel id */
  readonly dmChannels = new Map<string, string>();
  readonly globalCommands: SimCommand[] = [];
  readonly guildCommands = new Map<string, SimCommand[]>();
  /** `${guildId}:${commandId}` → the overrides a server admin set for the command */
  readonly commandPermissions = new Map<string, CommandPermissionInput[]>();
  /** message id → emoji → user ids */
  readonly reactions = new Map<string, Map<string, string[]>>();
  /** Audit log entries of every guild, oldest first (only BOT_ADD is recorded). */
  readonly auditLog: SimAuditEntry[] = [];

  constructor(
    readonly nextId: SnowflakeFactory,
    readonly botUserId: string,
  ) {
    super();
  }

  addUser(input: AddUserInput): SimUser {
    const id = input.id ?? this.nextId();
    const user: SimUser = {
      id,
      username: input.username,
      globalName: input.globalName ?? null,
      bot: input.bot ?? false,
      email: input.email === undefined ? `${input.username}@example.test` : input.email,
      verified: input.verified ?? true,
      avatar: input.avatar ?? null,
    };
    this.users.set(id, user);
    return user;
  }

  user(id: string): SimUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`discord-sim: unknown user ${id}`);
    return user;
  }

  addGuild(input: AddGuildInput): SimGuild {
    const id = input.id ?? this.nextId();
    if (this.guilds.has(id)) throw new Error(`discord-sim: guild ${id} already exists`);
    const ownerId = input.ownerId ?? this.addUser({ username: `${input.name.toLowerCase().replace(/\W+/g, '-')}-owner` }).id;
    const guild: SimGuild = { id, name: input.name, ownerId, defaultChannelId: '', systemChannelId: null, channelIds: [], roleIds: [] };
    this.guilds.set(id, guild);
    this.addRole(guild, { id, name: '@everyone', permissions: EVERYONE_PERMISSIONS, managed: false });
    guild.defaultChannelId = this.addChannel(guild, { name: 'general' }).id;
    if (input.systemChannel !== false) guild.systemChannelId = guild.defaultChannelId;
    for (const channel of input.channels ?? []) this.addChannel(guild, channel);
    this.addMember(id, ownerId, {});
    this.addBot(guild, { by: ownerId, botPermissions: input.botPermissions });
    return guild;
  }

  /** The bot joins: its member, with the managed role Discord creates for it; the audit log records who added it. */
  addBot(guild: SimGuild, input: { by: string; botPermissions?: bigint | undefined }): void {
    this.user(input.by);
    const botRole = this.addRole(guild, { name: 'bot', permissions: BOT_ROLE_PERMISSIONS | (input.botPermissions ?? 0n), managed: true });
    this.addMember(guild.id, this.botUserId, {}).roles.push(botRole.id);
    this.auditLog.push({ id: this.nextId(), guildId: guild.id, userId: input.by, targetId: this.botUserId, actionType: AUDIT_BOT_ADD });
  }

  /** The bot leaves: its member and managed role go (Discord deletes a bot's role with it). */
  removeBot(guild: SimGuild): void {
    const member = this.members.get(`${guild.id}:${this.botUserId}`);
    if (!member) throw new Error(`discord-sim: the bot is not in guild ${guild.id}`);
    this.members.delete(`${guild.id}:${this.botUserId}`);
    for (const roleId of member.roles) {
      if (!this.roles.get(roleId)?.managed) continue;
      this.roles.delete(roleId);
      guild.roleIds = guild.roleIds.filter((id) => id !== roleId);
    }
  }

  hasBot(guildId: string): boolean {
    return this.members.has(`${guildId}:${this.botUserId}`);
  }

  guild(id: string): SimGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`discord-sim: unknown guild ${id}`);
    return guild;
  }

  addRole(guild: SimGuild, input: { id?: string; name: string; permissions: bigint; managed: boolean }): SimRole {
    const role: SimRole = {
      id: input.id ?? this.nextId(),
      guildId: guild.id,
      name: input.name,
      permissions: input.permissions,
      position: guild.roleIds.length,
      managed: input.managed,
    };
    this.roles.set(role.id, role);
    guild.roleIds.push(role.id);
    return role;
  }

  addChannel(guild: SimGuild, input: { id?: string; name: string; type?: number }): SimChannel {
    const channel: SimChannel = {
      id: input.id ?? this.nextId(),
      name: input.name,
      type: input.type ?? 0,
      guildId: guild.id,
      position: guild.channelIds.length,
      recipientId: null,
      bot: { botCanView: true, botCanSend: true, botCanEmbed: true },
    };
    this.channels.set(channel.id, channel);
    guild.channelIds.push(channel.id);
    return channel;
  }

  channel(id: string): SimChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`discord-sim: unknown channel ${id}`);
    return channel;
  }

  /** The DM channel between the bot and `userId`, created on first use. */
  dmChannelFor(userId: string): SimChannel {
    const existing = this.dmChannels.get(userId);
    if (existing) return this.channel(existing);
    const channel: SimChannel = {
      id: this.nextId(),
      name: '',
      type: 1,
      guildId: null,
      position: 0,
      recipientId: userId,
      bot: { botCanView: true, botCanSend: true, botCanEmbed: true },
    };
    this.channels.set(channel.id, channel);
    this.dmChannels.set(userId, channel.id);
    return channel;
  }

  addMember(guildId: string, userId: string, input: AddMemberInput): SimMember {
    const guild = this.guild(guildId);
    this.user(userId);
    const roles = [...(input.roles ?? [])];
    for (const roleId of roles) {
      if (this.roles.get(roleId)?.guildId !== guildId) throw new Error(`discord-sim: role ${roleId} is not in guild ${guildId}`);
    }
    if (input.permissions !== undefined) {
      roles.push(this.addRole(guild, { name: `perms-${userId}`, permissions: input.permissions, managed: false }).id);
    }
    const member: SimMember = {
      guildId,
      userId,
      roles,
      joinedAt: new Date().toISOString(),
      nick: input.nick ?? null,
    };
    this.members.set(`${guildId}:${userId}`, member);
    return member;
  }

  memberOf(guildId: string, userId: string): SimMember {
    const member = this.members.get(`${guildId}:${userId}`);
    if (!member) throw new Error(`discord-sim: user ${userId} is not a member of guild ${guildId}`);
    return member;
  }

  /** The voice states of a guild (members connected to one of its voice channels). */
  voiceStatesOf(guildId: string): SimVoiceState[] {
    return [...this.voiceStates.values()].filter((v) => v.guildId === guildId);
  }

  membersOf(guildId: string): SimMember[] {
    return [...this.members.values()].filter((m) => m.guildId === guildId);
  }

  /** Guild-level permissions of a member (roles + @everyone; owner and Administrator get all). */
  guildPermissions(guildId: string, userId: string): bigint {
    const guild = this.guild(guildId);
    if (guild.ownerId === userId) return ALL_PERMISSIONS;
    const member = this.memberOf(guildId, userId);
    let permissions = this.roles.get(guildId)?.permissions ?? 0n;
    for (const roleId of member.roles) permissions |= this.roles.get(roleId)?.permissions ?? 0n;
    return permissions & PermissionFlagsBits.Administrator ? ALL_PERMISSIONS : permissions;
  }

  /** Bits denied to the bot in a channel by its channel switches. */
  botChannelDenies(channel: SimChannel): bigint {
    let deny = 0n;
    if (!channel.bot.botCanView) deny |= PermissionFlagsBits.ViewChannel;
    if (!channel.bot.botCanSend) deny |= PermissionFlagsBits.SendMessages;
    if (!channel.bot.botCanEmbed) deny |= PermissionFlagsBits.EmbedLinks;
    return deny;
  }

  /** Permissions of a member in a channel (guild permissions with the channel's overwrites). */
  channelPermissions(channel: SimChannel, userId: string): bigint {
    if (!channel.guildId) return EVERYONE_PERMISSIONS;
    const base = this.guildPermissions(channel.guildId, userId);
    if (base & PermissionFlagsBits.Administrator) return base;
    return userId === this.botUserId ? base & ~this.botChannelDenies(channel) : base;
  }

  addMessage(message: SimMessage): SimMessage {
    if (!this.messages.has(message.id)) {
      let list = this.#byChannel.get(message.channelId);
      if (!list) {
        list = [];
        this.#byChannel.set(message.channelId, list);
      }
      list.push(message);
    }
    this.messages.set(message.id, message);
    this.emit('message', message);
    return message;
  }

  updateMessage(message: SimMessage): void {
    this.emit('message', message);
  }

  channelMessages(channelId: string): SimMessage[] {
    return (this.#byChannel.get(channelId) ?? []).filter((m) => !m.deleted);
  }

  /** A channel's messages including deleted ones, oldest first (a read-only view). */
  channelHistory(channelId: string): readonly SimMessage[] {
    return this.#byChannel.get(channelId) ?? [];
  }

  /** The newest message of a channel that is not deleted; its cost does not grow with the message count. */
  lastMessage(channelId: string): SimMessage | undefined {
    const list = this.#byChannel.get(channelId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (!list[i]!.deleted) return list[i];
    return undefined;
  }

  commandsFor(guildId: string | undefined): SimCommand[] {
    if (guildId === undefined) return this.globalCommands;
    let list = this.guildCommands.get(guildId);
    if (!list) {
      list = [];
      this.guildCommands.set(guildId, list);
    }
    return list;
  }

  /** A registered command by name: guild commands first, then global ones. */
  /**
   * Whether Discord's client offers the command to the member in the channel: the owner and
   * Administrators always; then a denying channel override refuses; then the member's own override,
   * then their roles' (any allow wins), then @everyone's; else `default_member_permissions`.
   */
  mayUseCommand(command: SimCommand, guildId: string, userId: string, channelId: string): boolean {
    const granted = this.guildPermissions(guildId, userId);
    if (granted & PermissionFlagsBits.Administrator) return true;
    const overrides = this.commandPermissions.get(`${guildId}:${command.id}`) ?? [];
    if (overrides.some((o) => o.type === 'channel' && o.id === channelId && !o.allow)) return false;
    const own = overrides.find((o) => o.type === 'user' && o.id === userId);
    if (own) return own.allow;
    const roles = new Set(this.memberOf(guildId, userId).roles);
    const byRole = overrides.filter((o) => o.type === 'role' && roles.has(o.id));
    if (byRole.length > 0) return byRole.some((o) => o.allow);
    const everyone = overrides.find((o) => o.type === 'role' && o.id === guildId);
    if (everyone) return everyone.allow;
    if (command.default_member_permissions === null) return true;
    const needed = BigInt(command.default_member_permissions);
    return needed !== 0n && (granted & needed) === needed;
  }

  /** A registered command by name and type (1 chat input, 2 user context menu, 3 message context menu). */
  findCommand(name: string, guildId: string | undefined, type = 1): SimCommand | undefined {
    const fits = (c: SimCommand) => c.name === name && (c.type ?? 1) === type;
    const inGuild = guildId === undefined ? undefined : this.guildCommands.get(guildId)?.find(fits);
    return inGuild ?? this.globalCommands.find(fits);
  }
}

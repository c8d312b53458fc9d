/** Renders simulator records in Discord's API / gateway JSON shapes. */
import type { SimChannel, SimGuild, SimMember, SimMessage, SimRole, SimUser, SimVoiceState } from './model.js';
import type { SimStore } from './store.js';

export type Json = Record<string, unknown>;

export function apiUser(user: SimUser): Json {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName,
    avatar: user.avatar,
    bot: user.bot,
    system: false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

export function apiRole(role: SimRole, botUserId: string): Json {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.managed,
    mentionable: false,
    flags: 0,
    ...(role.managed ? { tags: { bot_id: botUserId } } : {}),
  };
}

export function apiMember(store: SimStore, member: SimMember): Json {
  return {
    user: apiUser(store.user(member.userId)),
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: member.roles,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function apiChannel(store: SimStore, channel: SimChannel): Json {
  const lastMessage = store.lastMessage(channel.id);
  if (channel.type === 1) {
    const recipient = store.user(channel.recipientId ?? '');
    return { id: channel.id, type: 1, recipients: [apiUser(recipient)], last_message_id: lastMessage?.id ?? null, flags: 0 };
  }
  const deny = store.botChannelDenies(channel);
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    permission_overwrites: deny === 0n ? [] : [{ id: store.botUserId, type: 1, allow: '0', deny: deny.toString() }],
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: lastMessage?.id ?? null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export function apiGuild(store: SimStore, guild: SimGuild): Json {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: guild.roleIds.map((id) => apiRole(store.roles.get(id)!, store.botUserId)),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: guild.systemChannelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    max_members: 500000,
  };
}

/**
 * A voice state object. In GUILD_CREATE it is partial (no `guild_id`, no `member`); VOICE_STATE_UPDATE
 * carries both. A disconnect is the same object with `channel_id: null`.
 */
export function apiVoiceState(store: SimStore, state: SimVoiceState, form: 'guild-create' | 'update', channelId: string | null = state.channelId): Json {
  const member = store.members.get(`${state.guildId}:${state.userId}`);
  return {
    ...(form === 'update' ? { guild_id: state.guildId } : {}),
    channel_id: channelId,
    user_id: state.userId,
    ...(form === 'update' && member ? { member: apiMember(store, member) } : {}),
    session_id: state.sessionId,
    deaf: false,
    mute: false,
    self_deaf: state.selfDeaf,
    self_mute: state.selfMute,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
  };
}

/**
 * The GUILD_CREATE dispatch payload: the guild with channels, roles and members, and the voice states
 * when the session asked for them (GUILD_VOICE_STATES intent).
 */
export function guildCreatePayload(store: SimStore, guild: SimGuild, options: { voiceStates?: boolean } = {}): Json {
  const members = store.membersOf(guild.id);
  return {
    ...apiGuild(store, guild),
    joined_at: store.memberOf(guild.id, store.botUserId).joinedAt,
    large: false,
    unavailable: false,
    member_count: members.length,
    members: members.map((m) => apiMember(store, m)),
    channels: guild.channelIds.map((id) => apiChannel(store, store.channel(id))),
    threads: [],
    presences: [],
    voice_states: options.voiceStates ? store.voiceStatesOf(guild.id).map((v) => apiVoiceState(store, v, 'guild-create')) : [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function apiMessage(store: SimStore, message: SimMessage, applicationId: string): Json {
  const author = store.user(message.authorId);
  const channel = store.channel(message.channelId);
  const fromInteraction = message.interactionId !== null;
  return {
    id: message.id,
    channel_id: message.channelId,
    ...(message.guildId ? { guild_id: message.guildId } : {}),
    author: apiUser(author),
    ...(message.guildId && !author.bot && store.members.has(`${message.guildId}:${author.id}`)
      ? { member: { ...apiMember(store, store.memberOf(message.guildId, author.id)), user: undefined } }
      : {}),
    content: message.content,
    timestamp: message.timestamp,
    edited_timestamp: message.editedTimestamp,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: message.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      size: a.size,
      url: a.url,
      proxy_url: a.url,
      content_type: a.contentType ?? undefined,
      description: a.description ?? undefined,
    })),
    embeds: message.embeds,
    reactions: [],
    pinned: false,
    type: fromInteraction ? 20 : message.referencedMessageId ? 19 : 0,
    flags: message.flags,
    components: message.components,
    ...(message.nonce !== null ? { nonce: message.nonce } : {}),
    ...(message.webhookId !== null ? { webhook_id: message.webhookId, application_id: applicationId } : {}),
    ...(message.referencedMessageId
      ? { message_reference: { type: 0, message_id: message.referencedMessageId, channel_id: message.channelId } }
      : {}),
    ...(channel.type === 1 ? { channel_type: 1 } : {}),
  };
}

/** The test-facing simulator object (see index.ts for an overview). */
import type { Server } from 'node:http';
import type {
  AddBotInput,
  AddGuildInput,
  AddMemberInput,
  AddUserInput,
  ApplicationControls,
  AutocompleteChoice,
  AutocompleteInput,
  CommandPermissionInput,
  ComponentInput,
  DiscordSimulator,
  FaultControls,
  GatewayControls,
  InteractionHandle,
  ModalSubmitInput,
  OAuthControls,
  SelectMenuInput,
  SendDmInput,
  SetChannelPermissionsInput,
  SlashCommandInput,
  UserContextMenuInput,
  WaitForMessageInput,
  WaitOptions,
} from './api.js';
import type { SimContext } from './context.js';
import type { FaultInjector } from './faults.js';
import type { RateLimitControls } from './rate-limit.js';
import { Intents } from './gateway.js';
import { autocomplete, clickButton, selectMenu, slashCommand, submitModal, userContextMenu } from './interactions/inject.js';
import type { SimChannel, SimCommand, SimGuild, SimMessage, SimRole, SimUser, UnknownRoute, Violation } from './model.js';
import { apiChannel, apiMember, apiRole, apiUser, apiVoiceState, guildCreatePayload } from './serialize.js';

export class Simulator implements DiscordSimulator {
  readonly apiUrl: string;
  readonly gateway: GatewayControls;
  readonly oauth: OAuthControls;
  readonly application: ApplicationControls;
  readonly faults: FaultControls;
  /** Bot messages already handed out by waitForMessage. */
  readonly #consumed = new Set<string>();

  constructor(
    private readonly ctx: SimContext,
    private readonly server: Server,
    faults: FaultInjector,
    readonly rateLimit: RateLimitControls,
    readonly unknownRoutes: UnknownRoute[],
  ) {
    this.apiUrl = `${ctx.origin()}/api`;
    const gateway = ctx.gateway;
    this.gateway = {
      disconnect: (options) => gateway.disconnect(options),
      get identifyCount() {
        return gateway.identifyCount;
      },
      get resumeCount() {
        return gateway.resumeCount;
      },
      get connections() {
        return gateway.connections;
      },
      waitForReady: (options) => gateway.waitForReady(options),
      waitForResume: (options) => gateway.waitForResume(options?.timeoutMs),
    };
    this.application = ctx.application;
    this.oauth = {
      authorize: (input) => ctx.oauth.authorize(input),
      issueToken: (userId, scopes) => ctx.oauth.issueToken(userId, scopes),
    };
    this.faults = { inject: (rule) => faults.inject(rule), clear: () => faults.clear() };
  }

  get gatewayUrl(): string {
    return this.ctx.gateway.url;
  }

  get botUser(): SimUser {
    return this.ctx.store.user(this.ctx.store.botUserId);
  }

  get applicationId(): string {
    return this.ctx.config.applicationId;
  }

  get violations(): Violation[] {
    return this.ctx.violations;
  }

  addUser(input: AddUserInput): SimUser {
    return this.ctx.store.addUser(input);
  }

  addGuild(input: AddGuildInput): SimGuild {
    const guild = this.ctx.store.addGuild(input);
    this.ctx.gateway.dispatchTo(guild.id, 'GUILD_CREATE', guildCreatePayload(this.ctx.store, guild));
    return guild;
  }

  addMember(guildId: string, userId: string, input: AddMemberInput = {}): void {
    const member = this.ctx.store.addMember(guildId, userId, input);
    for (const roleId of member.roles) {
      const role = this.ctx.store.roles.get(roleId);
      if (role?.name === `perms-${userId}`) {
        this.ctx.gateway.dispatchTo(guildId, 'GUILD_ROLE_CREATE', { guild_id: guildId, role: apiRole(role, this.ctx.store.botUserId) }, Intents.Guilds);
      }
    }
    this.ctx.gateway.dispatchTo(guildId, 'GUILD_MEMBER_ADD', { ...apiMember(this.ctx.store, member), guild_id: guildId }, Intents.GuildMembers);
  }

  addRole(guildId: string, input: { name: string; permissions?: bigint }): SimRole {
    const role = this.ctx.store.addRole(this.ctx.store.guild(guildId), { name: input.name, permissions: input.permissions ?? 0n, managed: false });
    this.ctx.gateway.dispatchTo(guildId, 'GUILD_ROLE_CREATE', { guild_id: guildId, role: apiRole(role, this.ctx.store.botUserId) }, Intents.Guilds);
    return role;
  }

  addMemberRole(guildId: string, userId: string, roleId: string): void {
    const { store } = this.ctx;
    if (store.roles.get(roleId)?.guildId !== guildId) throw new Error(`discord-sim: role ${roleId} is not in guild ${guildId}`);
    const member = store.memberOf(guildId, userId);
    if (member.roles.includes(roleId)) return;
    member.roles.push(roleId);
    this.ctx.gateway.dispatchTo(guildId, 'GUILD_MEMBER_UPDATE', { ...apiMember(store, member), guild_id: guildId }, Intents.GuildMembers);
  }

  setVoiceChannel(guildId: string, userId: string, channelId: string | null): void {
    const { store } = this.ctx;
    store.memberOf(guildId, userId);
    const key = `${guildId}:${userId}`;
    const current = store.voiceStates.get(key);
    if (channelId === null) {
      if (!current) return;
      store.voiceStates.delete(key);
      this.ctx.gateway.dispatchTo(guildId, 'VOICE_STATE_UPDATE', apiVoiceState(store, current, 'update', null), Intents.GuildVoiceStates);
      return;
    }
    const channel = store.channel(channelId);
    if (channel.guildId !== guildId || (channel.type !== 2 && channel.type !== 13)) throw new Error(`discord-sim: ${channelId} is not a voice channel of guild ${guildId}`);
    const state = { guildId, userId, channelId, sessionId: current?.sessionId ?? this.ctx.nextId(), selfMute: false, selfDeaf: false };
    store.voiceStates.set(key, state);
    this.ctx.gateway.dispatchTo(guildId, 'VOICE_STATE_UPDATE', apiVoiceState(store, state, 'update'), Intents.GuildVoiceStates);
  }

  removeMember(guildId: string, userId: string): void {
    const member = this.ctx.store.memberOf(guildId, userId);
    if (userId === this.ctx.store.botUserId) throw new Error('discord-sim: use removeBot to remove the bot');
    this.ctx.store.members.delete(`${guildId}:${userId}`);
    // Leaving the server also leaves its voice channels (Discord sends no VOICE_STATE_UPDATE of its own here).
    this.ctx.store.voiceStates.delete(`${guildId}:${userId}`);
    this.ctx.gateway.dispatchTo(guildId, 'GUILD_MEMBER_REMOVE', { guild_id: guildId, user: apiUser(this.ctx.store.user(member.userId)) }, Intents.GuildMembers);
  }

  removeBot(guildId: string): void {
    const guild = this.ctx.store.guild(guildId);
    this.ctx.gateway.dispatchTo(guildId, 'GUILD_DELETE', { id: guildId });
    this.ctx.store.removeBot(guild);
  }

  addBot(guildId: string, input: AddBotInput = {}): void {
    const guild = this.ctx.store.guild(guildId);
    if (this.ctx.store.hasBot(guildId)) throw new Error(`discord-sim: the bot is already in guild ${guildId}`);
    this.ctx.store.addBot(guild, { by: input.by ?? guild.ownerId, botPermissions: input.botPermissions });
    this.ctx.gateway.dispatchTo(guildId, 'GUILD_CREATE', guildCreatePayload(this.ctx.store, guild));
  }

  addChannel(guildId: string, input: { name: string; type?: number }): SimChannel {
    const channel = this.ctx.store.addChannel(this.ctx.store.guild(guildId), input);
    this.ctx.gateway.dispatchTo(guildId, 'CHANNEL_CREATE', apiChannel(this.ctx.store, channel), Intents.Guilds);
    return channel;
  }

  setChannelPermissions(channelId: string, input: SetChannelPermissionsInput): void {
    const channel = this.ctx.store.channel(channelId);
    if (channel.guildId === null) throw new Error('discord-sim: DM channels have no permission overwrites');
    channel.bot = {
      botCanView: input.botCanView ?? channel.bot.botCanView,
      botCanSend: input.botCanSend ?? channel.bot.botCanSend,
      botCanEmbed: input.botCanEmbed ?? channel.bot.botCanEmbed,
    };
    this.ctx.gateway.dispatchTo(channel.guildId, 'CHANNEL_UPDATE', apiChannel(this.ctx.store, channel), Intents.Guilds);
  }

  setCommandPermissions(guildId: string, command: string, permissions: CommandPermissionInput[]): void {
    const found = this.ctx.store.findCommand(command, guildId);
    if (!found) throw new Error(`discord-sim: command /${command} is not registered`);
    this.ctx.store.commandPermissions.set(`${guildId}:${found.id}`, permissions.map((p) => ({ ...p })));
  }

  commands(filter: { guildId?: string } = {}): SimCommand[] {
    return [...(filter.guildId === undefined ? this.ctx.store.globalCommands : (this.ctx.store.guildCommands.get(filter.guildId) ?? []))];
  }

  slashCommand(input: SlashCommandInput): Promise<InteractionHandle> {
    return Promise.resolve().then(() => slashCommand(this.ctx, input));
  }

  autocomplete(input: AutocompleteInput, options?: WaitOptions): Promise<AutocompleteChoice[]> {
    return Promise.resolve().then(() => autocomplete(this.ctx, input, options));
  }

  userContextMenu(input: UserContextMenuInput): Promise<InteractionHandle> {
    return Promise.resolve().then(() => userContextMenu(this.ctx, input));
  }

  clickButton(input: ComponentInput): Promise<InteractionHandle> {
    return Promise.resolve().then(() => clickButton(this.ctx, input));
  }

  selectMenu(input: SelectMenuInput): Promise<InteractionHandle> {
    return Promise.resolve().then(() => selectMenu(this.ctx, input));
  }

  submitModal(input: ModalSubmitInput): Promise<InteractionHandle> {
    return Promise.resolve().then(() => submitModal(this.ctx, input));
  }

  async sendDM(user: SimUser | string, content: string, input: SendDmInput = {}): Promise<SimMessage> {
    const { store, nextId, now } = this.ctx;
    const author = store.user(typeof user === 'string' ? user : user.id);
    const channel = store.dmChannelFor(author.id);
    const message: SimMessage = {
      id: nextId(),
      channelId: channel.id,
      guildId: null,
      authorId: author.id,
      content,
      embeds: [],
      components: [],
      flags: 0,
      attachments: (input.attachments ?? []).map((file) => {
        const id = nextId();
        return {
          id,
          filename: file.filename,
          contentType: file.contentType ?? null,
          size: file.data.length,
          description: null,
          data: file.data,
          url: `${this.ctx.origin()}/attachments/${channel.id}/${id}/${encodeURIComponent(file.filename)}`,
        };
      }),
      timestamp: new Date(now()).toISOString(),
      editedTimestamp: null,
      nonce: null,
      interactionId: null,
      webhookId: null,
      referencedMessageId: null,
      deleted: false,
    };
    store.addMessage(message);
    this.ctx.gateway.dispatchMessage('MESSAGE_CREATE', message);
    return Promise.resolve(message);
  }

  waitForMessage(input: WaitForMessageInput = {}): Promise<SimMessage> {
    const { store } = this.ctx;
    const dmChannel = input.dmUserId === undefined ? undefined : store.dmChannelFor(input.dmUserId).id;
    const matches = (m: SimMessage) =>
      m.authorId === store.botUserId &&
      !m.deleted &&
      !this.#consumed.has(m.id) &&
      (input.channelId === undefined || m.channelId === input.channelId) &&
      (dmChannel === undefined || m.channelId === dmChannel) &&
      (input.predicate === undefined || input.predicate(m));
    const channelId = input.channelId ?? dmChannel;
    const candidates = channelId === undefined ? store.messages.values() : store.channelHistory(channelId);
    const existing = [...candidates].find(matches);
    if (existing) {
      this.#consumed.add(existing.id);
      return Promise.resolve(existing);
    }
    const timeoutMs = input.timeoutMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        store.off('message', listener);
        reject(new Error(`discord-sim: the bot sent no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: SimMessage) => {
        if (!matches(message)) return;
        clearTimeout(timer);
        store.off('message', listener);
        this.#consumed.add(message.id);
        resolve(message);
      };
      store.on('message', listener);
    });
  }

  channelMessages(channelId: string): SimMessage[] {
    return this.ctx.store.channelMessages(channelId);
  }

  dmMessages(userId: string): SimMessage[] {
    const channelId = this.ctx.store.dmChannels.get(userId);
    return channelId === undefined ? [] : this.ctx.store.channelMessages(channelId);
  }

  reactions(messageId: string): Map<string, string[]> {
    return new Map(this.ctx.store.reactions.get(messageId) ?? []);
  }

  async close(): Promise<void> {
    this.ctx.interactions.close();
    await this.ctx.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

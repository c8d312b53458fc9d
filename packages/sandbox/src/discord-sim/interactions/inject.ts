/** Interactions a test performs as a user: slash commands, user context menus, autocomplete, buttons, select menus, modals. */
import { randomBytes } from 'node:crypto';
import type {
  AutocompleteChoice,
  AutocompleteInput,
  ComponentInput,
  InteractionHandle,
  InteractionOrigin,
  ModalSubmitInput,
  SelectMenuInput,
  SlashCommandInput,
  UserContextMenuInput,
  WaitOptions,
} from '../api.js';
import type { SimContext } from '../context.js';
import type { SimComponent, SimMessage } from '../model.js';
import { apiChannel, apiMember, apiMessage, apiUser, type Json } from '../serialize.js';
import { addResolved, buildOptions } from './options.js';
import type { InteractionRecord } from './registry.js';

const fail = (message: string): never => {
  throw new Error(`discord-sim: ${message}`);
};

interface Where {
  userId: string;
  guildId: string | null;
  channelId: string;
}

function resolveOrigin(ctx: SimContext, origin: InteractionOrigin): Where {
  const userId = typeof origin.user === 'string' ? origin.user : origin.user.id;
  ctx.store.user(userId);
  if (origin.guildId === undefined) {
    const dm = ctx.store.dmChannelFor(userId);
    if (origin.channelId !== undefined && origin.channelId !== dm.id) fail(`channel ${origin.channelId} is not the DM channel of ${userId}`);
    return { userId, guildId: null, channelId: dm.id };
  }
  const guild = ctx.store.guild(origin.guildId);
  if (!ctx.store.members.has(`${guild.id}:${userId}`)) fail(`user ${userId} is not a member of guild ${guild.id}`);
  if (!ctx.store.hasBot(guild.id)) fail(`the bot is not in guild ${guild.id}: its commands are not offered there`);
  const channelId = origin.channelId ?? guild.defaultChannelId;
  if (ctx.store.channel(channelId).guildId !== guild.id) fail(`channel ${channelId} is not in guild ${guild.id}`);
  return { userId, guildId: guild.id, channelId };
}

function basePayload(ctx: SimContext, where: Where, record: InteractionRecord, locale: string): Json {
  const { store } = ctx;
  const channel = store.channel(where.channelId);
  const user = store.user(where.userId);
  const common: Json = {
    id: record.id,
    application_id: ctx.config.applicationId,
    type: record.type,
    token: record.token,
    version: 1,
    channel_id: channel.id,
    channel: apiChannel(store, channel),
    locale,
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
  };
  if (where.guildId === null) {
    return {
      ...common,
      user: apiUser(user),
      app_permissions: store.channelPermissions(channel, store.botUserId).toString(),
      authorizing_integration_owners: { '0': '0' },
      context: 1,
    };
  }
  return {
    ...common,
    guild_id: where.guildId,
    guild: { id: where.guildId, locale: 'en-US', features: [] },
    guild_locale: 'en-US',
    member: {
      ...apiMember(store, store.memberOf(where.guildId, where.userId)),
      permissions: store.channelPermissions(channel, where.userId).toString(),
    },
    app_permissions: store.channelPermissions(channel, store.botUserId).toString(),
    authorizing_integration_owners: { '0': where.guildId },
    context: 0,
  };
}

function newRecord(ctx: SimContext, type: number, label: string, where: Where, sourceMessageId: string | null): InteractionRecord {
  return ctx.interactions.add({
    id: ctx.nextId(),
    token: `aW50ZXJhY3Rpb24${randomBytes(48).toString('base64url')}`,
    type,
    label,
    channelId: where.channelId,
    guildId: where.guildId,
    userId: where.userId,
    createdAt: ctx.now(),
    response: null,
    sourceMessageId,
    originalMessageId: null,
    originalSettled: false,
    followUpIds: [],
    deadlineTimer: null,
    deadlineMissed: false,
  });
}

function send(ctx: SimContext, where: Where, payload: Json): void {
  if (!ctx.gateway.hasListener(where.guildId)) {
    fail(`no connected bot session receives ${where.guildId === null ? 'DMs' : `guild ${where.guildId}`} (is the client logged in?)`);
  }
  ctx.gateway.dispatchTo(where.guildId, 'INTERACTION_CREATE', payload);
}

function commandInteraction(ctx: SimContext, input: SlashCommandInput, type: 2 | 4, focused?: string): InteractionRecord {
  const where = resolveOrigin(ctx, input);
  const command =
    ctx.store.findCommand(input.command, where.guildId ?? undefined) ?? fail(`command /${input.command} is not registered`);
  // Discord's client offers a command only where its `contexts` allow (0 servers, 1 DMs with the bot).
  const contexts = Array.isArray(command.contexts) ? (command.contexts as unknown[]) : undefined;
  if (contexts && !contexts.includes(where.guildId ? 0 : 1)) fail(`/${command.name} is not available ${where.guildId ? 'in servers' : 'in DMs'}`);
  // …and only to members its permissions allow (default_member_permissions and a server admin's overrides).
  if (where.guildId && !ctx.store.mayUseCommand(command, where.guildId, where.userId, where.channelId)) {
    fail(`/${command.name} is not available to user ${where.userId} in guild ${where.guildId} (missing its permissions)`);
  }
  const { options, resolved } = buildOptions(ctx.store, {
    command,
    subcommandGroup: input.subcommandGroup,
    subcommand: input.subcommand,
    values: input.options ?? {},
    focused,
    guildId: where.guildId,
  });
  const label = ['/' + input.command, input.subcommandGroup, input.subcommand].filter(Boolean).join(' ');
  const record = newRecord(ctx, type, type === 4 ? `autocomplete ${label}` : label, where, null);
  const data: Json = {
    id: command.id,
    name: command.name,
    type: 1,
    options,
    ...(Object.keys(resolved).length ? { resolved } : {}),
    ...(command.guild_id ? { guild_id: command.guild_id } : {}),
  };
  send(ctx, where, { ...basePayload(ctx, where, record, input.locale ?? 'en-US'), data });
  return record;
}

export function slashCommand(ctx: SimContext, input: SlashCommandInput): InteractionHandle {
  return ctx.interactions.handle(commandInteraction(ctx, input, 2));
}

/** A user context menu command run on `targetId` (type 2 interaction, command type 2, `target_id` + `resolved`). */
export function userContextMenu(ctx: SimContext, input: UserContextMenuInput): InteractionHandle {
  const where = resolveOrigin(ctx, input);
  const command = ctx.store.findCommand(input.command, where.guildId ?? undefined, 2) ?? fail(`user command "${input.command}" is not registered`);
  const contexts = Array.isArray(command.contexts) ? (command.contexts as unknown[]) : undefined;
  if (contexts && !contexts.includes(where.guildId ? 0 : 1)) fail(`"${command.name}" is not available ${where.guildId ? 'in servers' : 'in DMs'}`);
  if (where.guildId && !ctx.store.mayUseCommand(command, where.guildId, where.userId, where.channelId)) {
    fail(`"${command.name}" is not available to user ${where.userId} in guild ${where.guildId} (missing its permissions)`);
  }
  if (!ctx.store.users.has(input.targetId)) fail(`unknown user ${input.targetId}`);
  const resolved: Json = {};
  addResolved(ctx.store, resolved, 6, input.targetId, where.guildId, 'target');
  const record = newRecord(ctx, 2, `user command ${command.name}`, where, null);
  const data: Json = {
    id: command.id,
    name: command.name,
    type: 2,
    target_id: input.targetId,
    resolved,
    ...(command.guild_id ? { guild_id: command.guild_id } : {}),
  };
  send(ctx, where, { ...basePayload(ctx, where, record, input.locale ?? 'en-US'), data });
  return ctx.interactions.handle(record);
}

export async function autocomplete(ctx: SimContext, input: AutocompleteInput, options: WaitOptions = {}): Promise<AutocompleteChoice[]> {
  const record = commandInteraction(ctx, input, 4, input.focused);
  const response = await ctx.interactions.waitUntil(
    record,
    (r) => r.response ?? undefined,
    options.timeoutMs ?? ctx.config.initialResponseDeadlineMs + 250,
    () => `discord-sim: the bot did not answer ${record.label} within the deadline`,
  );
  const choices = response.data?.choices;
  return Array.isArray(choices) ? (choices as AutocompleteChoice[]) : [];
}

function findComponent(components: SimComponent[], customId: string): SimComponent | undefined {
  for (const component of components) {
    if (component.custom_id === customId) return component;
    const nested = findComponent([...(component.components ?? []), ...(component.component ? [component.component] : [])], customId);
    if (nested) return nested;
  }
  return undefined;
}

function componentInteraction(ctx: SimContext, input: ComponentInput, kind: 'button' | 'select', values?: string[]): InteractionHandle {
  const message: SimMessage = ctx.store.messages.get(input.message.id) ?? fail(`unknown message ${input.message.id}`);
  if (message.deleted) fail(`message ${message.id} was deleted`);
  const guildId = message.guildId ?? undefined;
  if (input.guildId !== undefined && input.guildId !== message.guildId) fail(`message ${message.id} is not in guild ${input.guildId}`);
  const where = resolveOrigin(ctx, { ...input, guildId, channelId: message.channelId });
  const component = findComponent(message.components, input.customId) ?? fail(`message ${message.id} has no component "${input.customId}"`);
  if (component.disabled) fail(`component "${input.customId}" is disabled`);
  const expected = kind === 'button' ? [2] : [3, 5, 6, 7, 8];
  if (!expected.includes(component.type)) fail(`component "${input.customId}" is of type ${component.type}, not a ${kind}`);
  if (kind === 'select') {
    const chosen = values ?? [];
    const min = typeof component.min_values === 'number' ? component.min_values : 1;
    const max = typeof component.max_values === 'number' ? component.max_values : 1;
    if (chosen.length < min || chosen.length > max) fail(`select "${input.customId}" takes ${min}-${max} values, got ${chosen.length}`);
    const allowed = component.type === 3 ? new Set((component.options ?? []).map((o) => o.value)) : null;
    const unknown = allowed ? chosen.filter((v) => !allowed.has(v)) : [];
    if (unknown.length) fail(`select "${input.customId}" has no option(s) ${unknown.join(', ')}`);
  }
  const record = newRecord(ctx, 3, `${kind} ${input.customId}`, where, message.id);
  const data: Json = { custom_id: input.customId, component_type: component.type, ...(kind === 'select' ? { values } : {}) };
  const payload = { ...basePayload(ctx, where, record, input.locale ?? 'en-US'), data, message: apiMessage(ctx.store, message, ctx.config.applicationId) };
  send(ctx, where, payload);
  return ctx.interactions.handle(record);
}

export function clickButton(ctx: SimContext, input: ComponentInput): InteractionHandle {
  return componentInteraction(ctx, input, 'button');
}

export function selectMenu(ctx: SimContext, input: SelectMenuInput): InteractionHandle {
  return componentInteraction(ctx, input, 'select', input.values);
}

/** The layout of the modal the bot showed with this custom id, if any (labels or action rows). */
function shownModal(ctx: SimContext, customId: string): SimComponent[] | undefined {
  const shown = ctx.interactions.modals().filter((m) => m.custom_id === customId).at(-1);
  return shown?.components;
}

export function submitModal(ctx: SimContext, input: ModalSubmitInput): InteractionHandle {
  const message = input.message ? (ctx.store.messages.get(input.message.id) ?? fail(`unknown message ${input.message.id}`)) : undefined;
  const where = resolveOrigin(ctx, { ...input, ...(message ? { guildId: message.guildId ?? undefined, channelId: message.channelId } : {}) });
  const layout = shownModal(ctx, input.customId);
  const remaining = new Map(Object.entries(input.fields));
  // Discord numbers a layout's components from 1 where the bot gave no ids, and sends text displays back by id.
  let nextId = 0;
  const fromLayout = (component: SimComponent): Json | undefined => {
    nextId += 1;
    if (component.type === 10) return { type: 10, id: typeof component.id === 'number' ? component.id : nextId };
    if (component.type === 1) return { type: 1, components: (component.components ?? []).map(fromLayout).filter((c) => c !== undefined) };
    if (component.type === 18 && component.component) {
      const inner = fromLayout(component.component);
      return inner ? { type: 18, component: inner } : undefined;
    }
    if (component.type === 4 && component.custom_id !== undefined) {
      const value = remaining.get(component.custom_id) ?? '';
      remaining.delete(component.custom_id);
      if (component.required !== false && value === '') fail(`modal "${input.customId}": field "${component.custom_id}" is required`);
      return { type: 4, custom_id: component.custom_id, value };
    }
    return undefined;
  };
  const components = layout
    ? layout.map(fromLayout).filter((c) => c !== undefined)
    : [...remaining.entries()].map(([customId, value]) => ({ type: 1, components: [{ type: 4, custom_id: customId, value }] }));
  if (layout && remaining.size) fail(`modal "${input.customId}" has no field(s) ${[...remaining.keys()].join(', ')}`);
  const record = newRecord(ctx, 5, `modal ${input.customId}`, where, message?.id ?? null);
  const payload = {
    ...basePayload(ctx, where, record, input.locale ?? 'en-US'),
    data: { custom_id: input.customId, components },
    ...(message ? { message: apiMessage(ctx.store, message, ctx.config.applicationId) } : {}),
  };
  send(ctx, where, payload);
  return ctx.interactions.handle(record);
}

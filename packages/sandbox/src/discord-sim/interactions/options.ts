/** Turns a test's `{ name: value }` options into Discord's typed interaction options + `resolved`. */
import type { OptionValue } from '../api.js';
import type { SimCommand, SimCommandOption } from '../model.js';
import { apiChannel, apiMember, apiRole, apiUser, type Json } from '../serialize.js';
import type { SimStore } from '../store.js';

export interface BuiltOptions {
  options: Json[];
  resolved: { users?: Record<string, Json>; members?: Record<string, Json>; channels?: Record<string, Json>; roles?: Record<string, Json> };
}

interface OptionTarget {
  command: SimCommand;
  subcommandGroup?: string;
  subcommand?: string;
  values: Record<string, OptionValue>;
  /** Autocomplete: the option being typed (sent as raw text, no checks on the others). */
  focused?: string;
  guildId: string | null;
}

const fail = (message: string): never => {
  throw new Error(`discord-sim: ${message}`);
};

function child(options: SimCommandOption[] | undefined, name: string, type: number, path: string): SimCommandOption {
  return options?.find((o) => o.name === name && o.type === type) ?? fail(`${path} has no ${type === 2 ? 'subcommand group' : 'subcommand'} "${name}"`);
}

export function addResolved(store: SimStore, resolved: BuiltOptions['resolved'], type: number, id: string, guildId: string | null, name: string): void {
  const user = store.users.get(id);
  const role = store.roles.get(id);
  if ((type === 6 || (type === 9 && user)) && user) {
    resolved.users = { ...resolved.users, [id]: apiUser(user) };
    const member = guildId ? store.members.get(`${guildId}:${id}`) : undefined;
    if (member) {
      const { user: _user, ...rest } = apiMember(store, member);
      void _user;
      resolved.members = { ...resolved.members, [id]: { ...rest, permissions: store.guildPermissions(guildId ?? '', id).toString() } };
    }
    return;
  }
  if ((type === 8 || type === 9) && role?.guildId === guildId) {
    resolved.roles = { ...resolved.roles, [id]: apiRole(role, store.botUserId) };
    return;
  }
  const channel = type === 7 ? store.channels.get(id) : undefined;
  if (channel) {
    const full = apiChannel(store, channel);
    resolved.channels = {
      ...resolved.channels,
      [id]: { id, name: full.name, type: full.type, permissions: store.channelPermissions(channel, store.botUserId).toString() },
    };
    return;
  }
  fail(`option "${name}": no ${type === 6 ? 'user' : type === 7 ? 'channel' : type === 8 ? 'role' : 'user or role'} with id ${id}`);
}

function typedValue(option: SimCommandOption, raw: OptionValue, path: string): OptionValue {
  switch (option.type) {
    case 3:
      return String(raw);
    case 4: {
      const value = Number(raw);
      return Number.isInteger(value) ? value : fail(`${path}: "${String(raw)}" is not an integer`);
    }
    case 10: {
      const value = Number(raw);
      return Number.isFinite(value) ? value : fail(`${path}: "${String(raw)}" is not a number`);
    }
    case 5:
      return typeof raw === 'boolean' ? raw : raw === 'true' ? true : raw === 'false' ? false : fail(`${path}: not a boolean`);
    case 6:
    case 7:
    case 8:
    case 9:
      return String(raw);
    default:
      return fail(`${path}: option type ${option.type} cannot be given by a test`);
  }
}

/** Discord's client does not send a value outside the option's bounds: the person is asked to fix it first. */
function checkBounds(option: SimCommandOption, value: OptionValue, path: string): void {
  if (typeof value === 'number') {
    if (option.min_value !== undefined && value < option.min_value) fail(`${path}: ${value} is below the minimum ${option.min_value}`);
    if (option.max_value !== undefined && value > option.max_value) fail(`${path}: ${value} is above the maximum ${option.max_value}`);
  } else if (option.type === 3 && typeof value === 'string') {
    if (option.min_length !== undefined && value.length < option.min_length) fail(`${path}: at least ${option.min_length} characters are needed`);
    if (option.max_length !== undefined && value.length > option.max_length) fail(`${path}: at most ${option.max_length} characters are allowed`);
  }
}

/** Builds `data.options` and `data.resolved` following the registered command's definition. */
export function buildOptions(store: SimStore, target: OptionTarget): BuiltOptions {
  const resolved: BuiltOptions['resolved'] = {};
  let path = `/${target.command.name}`;
  let level = target.command.options;
  const wrap: Array<(inner: Json[]) => Json[]> = [];
  if (target.subcommandGroup !== undefined) {
    const group = child(level, target.subcommandGroup, 2, path);
    path += ` ${group.name}`;
    level = group.options ?? [];
    wrap.push((inner) => [{ type: 2, name: group.name, options: inner }]);
  }
  if (target.subcommand !== undefined) {
    const sub = child(level, target.subcommand, 1, path);
    path += ` ${sub.name}`;
    level = sub.options ?? [];
    wrap.push((inner) => [{ type: 1, name: sub.name, options: inner }]);
  } else if (level.some((o) => o.type === 1 || o.type === 2)) {
    fail(`${path} needs a subcommand`);
  }
  const leaf: Json[] = [];
  for (const [name, raw] of Object.entries(target.values)) {
    const option = level.find((o) => o.name === name) ?? fail(`${path} has no option "${name}"`);
    const at = `${path} ${name}`;
    if (name === target.focused) {
      leaf.push({ type: option.type, name, value: String(raw), focused: true });
      continue;
    }
    const value = typedValue(option, raw, at);
    checkBounds(option, value, at);
    if (option.choices?.length && !option.choices.some((c) => c.value === value)) fail(`${at}: ${String(value)} is not one of the choices`);
    if (option.type === 7 && Array.isArray(option.channel_types)) {
      // Discord's client offers only channels of the option's types.
      const type = store.channels.get(String(value))?.type;
      if (type !== undefined && !(option.channel_types as unknown[]).includes(type)) fail(`${at}: a channel of type ${type} is not offered here`);
    }
    if (option.type >= 6 && option.type <= 9) addResolved(store, resolved, option.type, String(value), target.guildId, at);
    leaf.push({ type: option.type, name, value });
  }
  if (target.focused !== undefined && !leaf.some((o) => o.focused === true)) fail(`${path}: focused option "${target.focused}" has no value`);
  if (target.focused === undefined) {
    const missing = level.filter((o) => o.required && !(o.name in target.values)).map((o) => o.name);
    if (missing.length) fail(`${path}: missing required option(s) ${missing.join(', ')}`);
  }
  const options = wrap.reduceRight((inner, w) => w(inner), leaf);
  return { options, resolved };
}

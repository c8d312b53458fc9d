/** Application command registration (global and per guild), validated roughly as Discord does. */
import type { SimContext } from '../context.js';
import { DiscordApiError, invalidFormBody, type SimRequest, type SimRoute } from '../http.js';
import { commandSchema, commandViolations, type CommandPayload } from '../limits.js';
import type { SimCommand } from '../model.js';
import { guildParam } from './core.js';

const unknownCommand = () => new DiscordApiError(404, 10063, 'Unknown application command');

function scope(ctx: SimContext, req: SimRequest): { guildId: string | undefined; list: SimCommand[] } {
  if (req.params.app !== ctx.config.applicationId) {
    throw new DiscordApiError(403, 20012, 'You are not authorized to perform this action on this application');
  }
  const guildId = req.params.guild === undefined ? undefined : guildParam(ctx, req).id;
  return { guildId, list: ctx.store.commandsFor(guildId) };
}

function parseCommand(ctx: SimContext, body: unknown): CommandPayload {
  const parsed = commandSchema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    ctx.violations.push({ rule: 'command-definition', detail });
    throw invalidFormBody(detail);
  }
  const violations = commandViolations(parsed.data);
  if (violations.length) {
    ctx.violations.push(...violations);
    throw invalidFormBody(violations.map((v) => v.detail).join('; '));
  }
  return parsed.data;
}

function toCommand(ctx: SimContext, payload: CommandPayload, guildId: string | undefined, existing: SimCommand | undefined): SimCommand {
  return {
    ...payload,
    id: existing?.id ?? ctx.nextId(),
    application_id: ctx.config.applicationId,
    ...(guildId ? { guild_id: guildId } : {}),
    name: payload.name,
    description: payload.description ?? '',
    type: payload.type ?? 1,
    options: payload.options ?? [],
    version: ctx.nextId(),
    default_member_permissions: payload.default_member_permissions ?? null,
    dm_permission: payload.dm_permission ?? true,
    nsfw: payload.nsfw ?? false,
  };
}

function overwrite(ctx: SimContext, req: SimRequest) {
  const { guildId, list } = scope(ctx, req);
  if (!Array.isArray(req.json)) throw invalidFormBody('expected an array of commands');
  const payloads = req.json.map((body) => parseCommand(ctx, body));
  const keys = payloads.map((p) => `${p.type ?? 1}:${p.name}`);
  const duplicate = keys.find((key, i) => keys.indexOf(key) !== i);
  if (duplicate) {
    ctx.violations.push({ rule: 'command-definition', detail: `duplicate command ${duplicate}` });
    throw invalidFormBody(`Application command names must be unique (${duplicate})`);
  }
  if (payloads.filter((p) => (p.type ?? 1) === 1).length > 100) {
    ctx.violations.push({ rule: 'command-definition', detail: 'more than 100 chat input commands' });
    throw invalidFormBody('Maximum number of application commands reached (100)');
  }
  const next = payloads.map((p) => toCommand(ctx, p, guildId, list.find((c) => c.name === p.name && c.type === (p.type ?? 1))));
  list.splice(0, list.length, ...next);
  return { status: 200, body: next };
}

export function commandRoutes(ctx: SimContext): SimRoute[] {
  const routes: SimRoute[] = [];
  for (const base of ['/applications/:app/commands', '/applications/:app/guilds/:guild/commands']) {
    const find = (req: SimRequest) => {
      const { list } = scope(ctx, req);
      const command = list.find((c) => c.id === req.params.command);
      if (!command) throw unknownCommand();
      return { list, command };
    };
    routes.push(
      { method: 'GET', pattern: base, auth: 'bot', handle: (req) => ({ status: 200, body: scope(ctx, req).list }) },
      { method: 'PUT', pattern: base, auth: 'bot', handle: (req) => overwrite(ctx, req) },
      {
        method: 'POST',
        pattern: base,
        auth: 'bot',
        handle: (req) => {
          const { guildId, list } = scope(ctx, req);
          const payload = parseCommand(ctx, req.json);
          const index = list.findIndex((c) => c.name === payload.name && c.type === (payload.type ?? 1));
          const command = toCommand(ctx, payload, guildId, list[index]);
          if (index >= 0) list[index] = command;
          else list.push(command);
          return { status: index >= 0 ? 200 : 201, body: command };
        },
      },
      { method: 'GET', pattern: `${base}/:command`, auth: 'bot', handle: (req) => ({ status: 200, body: find(req).command }) },
      {
        method: 'PATCH',
        pattern: `${base}/:command`,
        auth: 'bot',
        handle: (req) => {
          const { list, command } = find(req);
          const payload = parseCommand(ctx, { ...command, ...(req.json as object) });
          const updated = toCommand(ctx, payload, command.guild_id, command);
          list[list.indexOf(command)] = updated;
          return { status: 200, body: updated };
        },
      },
      {
        method: 'DELETE',
        pattern: `${base}/:command`,
        auth: 'bot',
        handle: (req) => {
          const { list, command } = find(req);
          list.splice(list.indexOf(command), 1);
          return { status: 204 };
        },
      },
    );
  }
  return routes;
}

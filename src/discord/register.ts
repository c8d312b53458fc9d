/**
 * Registers the command registry with Discord: one bulk overwrite (PUT), either for one guild (instant,
 * for development and single-server deployments) or globally. Used at start-up when REGISTER_COMMANDS
 * is set and by `scripts/deploy-commands.ts`.
 */
import { REST, type RESTOptions } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { CommandModule } from './types.js';

export type RegistrationScope = { scope: 'global' } | { scope: 'guild'; guildId: string };

const RegisteredCommandsSchema = z.array(
  z.object({ id: z.string(), name: z.string(), type: z.number().int().optional(), description: z.string().optional() }).loose(),
);
export type RegisteredCommand = z.infer<typeof RegisteredCommandsSchema>[number];

/** The REST base of every bot REST call: the shared proxy when DISCORD_REST_PROXY_URL is set, else Discord. */
export function restApiUrl(config: Pick<Config, 'discord'>): string {
  return config.discord.restProxyUrl ?? config.discord.apiUrl;
}

/**
 * The bot's Discord REST calls go through Node's fetch. The default, undici's request(), sends through the
 * process-wide undici dispatcher, which is whichever undici copy the process loaded first; when that is the
 * bot's own undici 7 (the Valentina client), every file upload fails ("action is not a function": undici 7
 * does not recognise the FormData of Node's undici that @discordjs/rest builds uploads with). Node's fetch
 * encodes that FormData itself, whichever dispatcher then sends the bytes.
 */
export const restTransport = { makeRequest: fetch } satisfies Partial<RESTOptions>;

export function createRest(config: Pick<Config, 'discord'>): REST {
  return new REST({ api: restApiUrl(config), version: '10', ...restTransport }).setToken(config.discord.token);
}

/** The slash commands, each followed by its member menu commands. */
export function commandBodies(commands: readonly CommandModule[]) {
  return commands.flatMap((command) => [command.data.toJSON(), ...(command.userMenus ?? []).map((menu) => menu.data.toJSON())]);
}

/** Replaces the application's commands in `scope` with the registry; resolves with what Discord stored. */
export async function registerCommands(options: {
  rest: Pick<REST, 'put'>;
  applicationId: string;
  scope: RegistrationScope;
  commands: readonly CommandModule[];
}): Promise<RegisteredCommand[]> {
  const { rest, applicationId, scope, commands } = options;
  const route =
    scope.scope === 'guild' ? Routes.applicationGuildCommands(applicationId, scope.guildId) : Routes.applicationCommands(applicationId);
  const stored = await rest.put(route, { body: commandBodies(commands) });
  return RegisteredCommandsSchema.parse(stored);
}

export function describeScope(scope: RegistrationScope): string {
  return scope.scope === 'guild' ? `guild ${scope.guildId}` : 'globally';
}

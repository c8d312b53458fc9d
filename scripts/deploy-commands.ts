/**
 * Registers the command registry with Discord.
 *
 *   npm run deploy-commands                          # global commands (up to an hour to appear)
 *   npm run deploy-commands -- --guild ID            # one guild, instantly (development)
 *   node dist/scripts/deploy-commands.js [--guild ID] # the same from a built image
 *
 * Reads DISCORD_TOKEN, DISCORD_CLIENT_ID and DISCORD_API_URL (default https://discord.com/api) from
 * the environment; nothing else is required. Prints every command Discord stored.
 */
import { parseArgs } from 'node:util';
import { REST } from '@discordjs/rest';
import { z } from 'zod';
import { commands } from '../commands/index.js';
import { describeScope, registerCommands, type RegistrationScope } from '../src/discord/register.js';

const EnvSchema = z.object({
  DISCORD_TOKEN: z.string({ error: 'DISCORD_TOKEN is required but not set' }).min(1, 'DISCORD_TOKEN is required but not set'),
  DISCORD_CLIENT_ID: z
    .string({ error: 'DISCORD_CLIENT_ID is required but not set' })
    .regex(/^\d{15,21}$/, 'DISCORD_CLIENT_ID must be the application id (a snowflake)'),
  DISCORD_API_URL: z
    .string()
    .url('DISCORD_API_URL must be a URL')
    .default('https://discord.com/api')
    .transform((url) => url.replace(/\/+$/, '')),
});

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { guild: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: npm run deploy-commands [-- --guild <guild id>]   (or: node dist/scripts/deploy-commands.js [--guild <guild id>])');
    return 0;
  }
  const env = EnvSchema.safeParse(process.env);
  if (!env.success) {
    console.error(env.error.issues[0]?.message ?? 'invalid environment');
    return 1;
  }
  if (values.guild !== undefined && !/^\d{15,21}$/.test(values.guild)) {
    console.error('--guild must be a guild id (a snowflake)');
    return 1;
  }
  const scope: RegistrationScope = values.guild ? { scope: 'guild', guildId: values.guild } : { scope: 'global' };
  const rest = new REST({ api: env.data.DISCORD_API_URL, version: '10' }).setToken(env.data.DISCORD_TOKEN);
  const registered = await registerCommands({ rest, applicationId: env.data.DISCORD_CLIENT_ID, scope, commands });
  console.log(`Registered ${registered.length} command${registered.length === 1 ? '' : 's'} ${describeScope(scope)}:`);
  for (const command of registered) console.log(`  ${(command.type ?? 1) === 1 ? '/' : 'member menu: '}${command.name} (${command.id})${command.description ? ` — ${command.description}` : ''}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Discord's error text names the route and status; it never contains the token.
    console.error(`Registration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

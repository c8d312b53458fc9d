/**
 * Prints the URL that adds the bot to a server, asking for exactly the permissions it uses.
 *
 *   npm run invite-url                                 # DISCORD_CLIENT_ID from the environment (or .env)
 *   npm run invite-url -- --client-id 123456789012345678
 *   node dist/scripts/invite-url.js [--client-id ID]   # the same from a built image
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BOT_PERMISSIONS, botPermissionsInteger, INVITE_SCOPES, inviteUrl } from '../src/discord/permissions.js';

const SNOWFLAKE = /^\d{15,21}$/;

/** DISCORD_CLIENT_ID from `.env` in the working directory, when the environment has none. */
function fromDotEnv(): string | undefined {
  if (!existsSync('.env')) return undefined;
  const line = readFileSync('.env', 'utf8').split('\n').find((l) => /^\s*DISCORD_CLIENT_ID\s*=/.test(l));
  return line?.split('=')[1]?.trim().replace(/^["']|["']$/g, '') || undefined;
}

function main(): number {
  const { values } = parseArgs({ options: { 'client-id': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: npm run invite-url [-- --client-id <application id>]   (default: DISCORD_CLIENT_ID)');
    return 0;
  }
  const clientId = values['client-id'] ?? (process.env.DISCORD_CLIENT_ID || fromDotEnv());
  if (!clientId) {
    console.error('DISCORD_CLIENT_ID is not set: pass --client-id <application id> (Developer Portal → General Information → Application ID)');
    return 1;
  }
  if (!SNOWFLAKE.test(clientId)) {
    console.error('the client id must be the application id (a snowflake: 15 to 21 digits)');
    return 1;
  }
  console.log(inviteUrl(clientId));
  console.log('');
  console.log(`Scopes: ${INVITE_SCOPES.join(' ')} · permissions integer ${botPermissionsInteger()}:`);
  for (const permission of BOT_PERMISSIONS) console.log(`  ${permission.name.padEnd(22)} ${permission.why}`);
  return 0;
}

process.exitCode = main();

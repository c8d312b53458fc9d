/** Starts the simulator and a real discord.js Client connected to it. */
import { Client, GatewayIntentBits, Partials, type ClientOptions, type Guild } from 'discord.js';
import { startDiscordSimulator, type DiscordSimulator, type DiscordSimulatorOptions } from '../../packages/sandbox/src/discord-sim/index.js';
import { restTransport } from '../../src/discord/register.js';

export const BOT_TOKEN = 'sim-bot-token';
export const APP_ID = '1100000000000000001';

export async function startSim(options: Partial<DiscordSimulatorOptions> = {}): Promise<DiscordSimulator> {
  return startDiscordSimulator({ botToken: BOT_TOKEN, applicationId: APP_ID, heartbeatIntervalMs: 1_000, ...options });
}

export async function connectClient(sim: DiscordSimulator, options: Partial<ClientOptions> = {}): Promise<Client> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages, GatewayIntentBits.GuildMessages],
    partials: [Partials.Channel],
    // The bot's REST transport (see restTransport): uploads work whichever undici loaded first in this worker.
    rest: { api: sim.apiUrl, retries: 2, timeout: 5_000, ...restTransport },
    ...options,
  });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(BOT_TOKEN);
  await ready;
  return client;
}

/** Resolves once the client has the guild cached (GUILD_CREATE processed). */
export async function guildArrived(client: Client, guildId: string): Promise<Guild> {
  const cached = client.guilds.cache.get(guildId);
  if (cached) return cached;
  return new Promise((resolve) => {
    const listener = (guild: Guild) => {
      if (guild.id !== guildId) return;
      client.off('guildCreate', listener);
      resolve(guild);
    };
    client.on('guildCreate', listener);
  });
}

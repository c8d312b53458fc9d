/**
 * A bare discord.js bot that answers every chat-input interaction with "pong" and every autocomplete
 * with the matches from a fixed list, at once: the floor for benchmarks against the Discord simulator.
 *
 *   DISCORD_TOKEN=… DISCORD_API_URL=http://127.0.0.1:PORT/api npx tsx scripts/pong-bot.ts
 *
 * Prints "ready" on stdout once connected; exits on SIGTERM / SIGINT.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { z } from 'zod';

const env = z
  .object({ DISCORD_TOKEN: z.string().min(1), DISCORD_API_URL: z.url().optional() })
  .parse(process.env);

const client = new Client({
  intents: [GatewayIntentBits.Guilds],
  rest: env.DISCORD_API_URL ? { api: env.DISCORD_API_URL } : {},
});

/** What the autocomplete offers: a fixed list, filtered by what the user typed. */
const CHOICES = ['Shoot', 'Shadow', 'Sneak', 'Strength', 'Stealth', 'Persuasion', 'Presence', 'Wits'];

const failed = (error: unknown) => {
  process.stderr.write(`reply failed: ${error instanceof Error ? error.message : String(error)}\n`);
};

client.on(Events.InteractionCreate, (interaction) => {
  if (interaction.isAutocomplete()) {
    const typed = interaction.options.getFocused().toLowerCase();
    const choices = CHOICES.filter((name) => name.toLowerCase().startsWith(typed)).map((name) => ({ name, value: name }));
    interaction.respond(choices).catch(failed);
    return;
  }
  if (!interaction.isChatInputCommand()) return;
  interaction.reply('pong').catch(failed);
});

client.once(Events.ClientReady, () => {
  process.stdout.write('ready\n');
});

async function shutdown(): Promise<void> {
  await client.destroy();
  process.exit(0);
}

process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());

await client.login(env.DISCORD_TOKEN);

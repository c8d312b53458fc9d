/**
 * A session award of N members (default 30) under Valentina's live rate limit (§1.9: 50 requests a
 * minute per API key): the built bot, the fake Valentina with 20–40 ms of latency and that limit on, N
 * linked players in one voice channel, and a storyteller running `/xp session` then Confirm. Measures
 * the panel (command → panel, cold identity cache), the award (Confirm → summary), the Valentina
 * requests per minute and the busiest 60 s, the 429s Valentina had to send, and checks each member got
 * the XP once. Figures only; nothing is asserted.
 *
 *   npm run build && npx tsx scripts/bench-session.ts [--n 30]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { FIXTURE_IDS } from '../packages/sandbox/src/fixture.js';
import { freePort } from '../packages/sandbox/src/redis-server.js';
import { startStack } from './bench-stack.js';
import { isHealthCheck, LIVE_RATE_LIMITS } from './bench-valentina.js';
import { printTable, REPO_ROOT, startBotProcess, stopProcess } from './bench-utils.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '30' } } });
const N = Number(values.n);
const AMOUNT = 2;
const main = FIXTURE_IDS.campaigns.main;

async function run(): Promise<void> {
  if (!existsSync(join(REPO_ROOT, 'dist/src/main.js'))) throw new Error('dist/src/main.js is missing: run `npm run build` first');
  const stack = await startStack({ botToken: 'bench-session-token', applicationId: '1180000000000000006', redisPrefix: 'bench-session', rateLimits: 'live' });
  const storyteller = stack.users[1]!;
  const voice = stack.sim.addChannel(stack.guild.id, { name: 'Session', type: 2 });
  const players: string[] = [];
  for (let i = 0; i < N; i += 1) {
    const discordId = `7780000000000${String(i).padStart(5, '0')}`;
    const username = `player${i}`;
    const profile = { id: discordId, username, global_name: null, avatar_id: null, discriminator: '0', email: `${username}@example.com`, verified: true };
    players.push(stack.fake.store.createUser({ company_id: FIXTURE_IDS.companies.chicago, username, email: profile.email, role: 'PLAYER', discord_profile: profile }).id);
    stack.sim.addUser({ id: discordId, username });
    stack.sim.addMember(stack.guild.id, discordId);
    stack.sim.setVoiceChannel(stack.guild.id, discordId, voice.id);
  }
  const registered = () => stack.sim.commands({ guildId: stack.guild.id }).some((c) => c.name === 'xp');
  const bot = await startBotProcess(stack.sim, [join(REPO_ROOT, 'dist/src/main.js')], stack.botEnv(await freePort()), registered);
  try {
    // The storyteller's own identity and the campaign list are warm, as on a server in use; the bucket is full again.
    await (await stack.sim.slashCommand({ user: storyteller, guildId: stack.guild.id, command: 'xp', subcommand: 'show' })).reply({ timeoutMs: 30_000 });
    const { capacity, refillPerSecond } = LIVE_RATE_LIMITS[0]!;
    await sleep((capacity / refillPerSecond) * 1000);

    const logged = stack.fake.requests.length;
    const started = performance.now();
    const command = await stack.sim.slashCommand({ user: storyteller, guildId: stack.guild.id, command: 'xp', subcommand: 'session', options: { amount: AMOUNT, voice_channel: voice.id } });
    const panel = await command.reply({ timeoutMs: 120_000 });
    const panelMs = performance.now() - started;
    const button = panel.message.components.flatMap((row) => row.components ?? []).find((c) => c.type === 2)!;
    const confirmed = performance.now();
    const click = await stack.sim.clickButton({ user: storyteller, guildId: stack.guild.id, message: panel.message, customId: button.custom_id! });
    let edits = 0;
    let lastDescription = '';
    while (!click.original?.embeds[0]?.title?.startsWith('Session award done')) {
      const description = click.original?.embeds[0]?.description ?? '';
      if (description !== lastDescription) [edits, lastDescription] = [edits + 1, description];
      if (performance.now() - confirmed > 10 * 60_000) throw new Error('the award did not finish within 10 minutes');
      await sleep(100);
    }
    const awardMs = performance.now() - confirmed;
    const totalMs = performance.now() - started;
    const requests = stack.fake.requests.slice(logged).filter((r) => !isHealthCheck(r));
    const times = requests.map((r) => r.at.getTime());
    let busiest = 0;
    for (const [i, t] of times.entries()) busiest = Math.max(busiest, times.slice(i).filter((u) => u < t + 60_000).length);
    const once = players.filter((id) => (stack.fake.store.getExperience(id, main)?.xp_current ?? 0) === AMOUNT).length;
    const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    printTable(`Session award of ${N} members under the live limit (50 requests a minute; the bucket full at the start)`, ['figure', 'value'], [
      ['command → panel (cold identity cache)', fmt(panelMs)],
      ['Confirm → summary', fmt(awardMs)],
      ['total, command → summary', fmt(totalMs)],
      ['Valentina requests', `${requests.length} (${((requests.length / totalMs) * 60_000).toFixed(0)} a minute on average; busiest 60 s: ${busiest})`],
      ['answered 429 by Valentina', String(requests.filter((r) => r.status === 429).length)],
      ['members granted exactly once', `${once} of ${N}`],
      ['progress edits seen on the panel', String(edits)],
      ['Discord rule violations', String(stack.sim.violations.length)],
    ]);
  } finally {
    await stopProcess(bot);
    await stack.close();
  }
}

run().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

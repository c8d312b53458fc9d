/**
 * What users see in a burst under Valentina's live rate limit (§1.9: `"default";q=50;w=60`, 50
 * requests a minute per API key): the built bot on a warm cache, the fake Valentina with 20–40 ms of
 * latency and that limit on, and a burst of commands sent at once — acknowledged within Discord's
 * 3 s, visibly answered within 3 s or later, or not at all within the wait; the 429s Valentina sent;
 * and the answers users got, counted.
 *
 *   npm run build && npx tsx scripts/bench-rate-limit.ts [--n 60] [--wait 30]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { VisibleReply } from '../packages/sandbox/src/discord-sim/index.js';
import { freePort } from '../packages/sandbox/src/redis-server.js';
import { scenario, startStack, type Scenario, type Stack } from './bench-stack.js';
import { isHealthCheck, LIVE_RATE_LIMITS } from './bench-valentina.js';
import { percentile, printTable, REPO_ROOT, startBotProcess, stopProcess } from './bench-utils.js';

const BOT_TOKEN = 'bench-limit-token';
const APPLICATION_ID = '1180000000000000005';
const DEADLINE_MS = 3_000;

const { values } = parseArgs({ options: { n: { type: 'string', default: '60' }, wait: { type: 'string', default: '30' } } });
const N = Number(values.n);
const WAIT_MS = Number(values.wait) * 1000;

const MIX: Scenario[] = ['/xp add', '/quickroll run → dice embed', '/xp show'].map(scenario).map((s) => ({ ...s, untilReply: true }));

interface Outcome {
  ackMs: number | null;
  replyMs: number | null;
  /** What the user read: the reply's first line, or why there was none. */
  seen: string;
}

/** The reply's first line, with request ids and numbers masked so alike answers count together. */
const firstLine = (reply: VisibleReply) =>
  (reply.content || reply.embeds[0]?.title || reply.embeds[0]?.description || '(no text)')
    .split('\n')[0]!
    .replace(/\(request [^)]*\)?/g, '(request …)')
    .replace(/\d+/g, 'N')
    .slice(0, 90);

async function one(stack: Stack, scenario: Scenario, i: number): Promise<Outcome> {
  const user = stack.users[scenario.as ?? i % stack.users.length]!;
  const started = performance.now();
  const handle = await stack.sim.slashCommand({
    user, guildId: stack.guild.id, command: scenario.command,
    ...(scenario.subcommand ? { subcommand: scenario.subcommand } : {}), ...(scenario.options ? { options: scenario.options } : {}),
  });
  let ackMs: number | null = null;
  try {
    await handle.initialResponse();
    ackMs = performance.now() - started;
    const reply = await handle.reply({ timeoutMs: WAIT_MS });
    return { ackMs, replyMs: performance.now() - started, seen: `${scenario.name}: ${firstLine(reply)}` };
  } catch {
    return { ackMs, replyMs: null, seen: `${scenario.name}: ${ackMs === null ? 'never acknowledged' : `still "thinking…" after ${WAIT_MS / 1000} s`}` };
  }
}

/** Whole tokens left in the fake's default bucket, read from the headers of a health request (which spends one). */
async function tokensLeft(stack: Stack): Promise<number> {
  const res = await fetch(`${stack.fake.url}/api/v1/health`, { headers: { 'x-api-key': stack.fake.apiKey } });
  await res.arrayBuffer();
  return Number(/"default";r=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1] ?? Number.NaN);
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO_ROOT, 'dist/src/main.js'))) throw new Error('dist/src/main.js is missing: run `npm run build` first');
  const stack = await startStack({ botToken: BOT_TOKEN, applicationId: APPLICATION_ID, redisPrefix: 'bench-limit', rateLimits: 'live' });
  const registered = () => stack.sim.commands({ guildId: stack.guild.id }).some((c) => c.name === 'quickroll');
  const bot = await startBotProcess(stack.sim, [join(REPO_ROOT, 'dist/src/main.js')], stack.botEnv(await freePort()), registered);
  try {
    // Warm the caches: each user's identity, the quickroll's character.
    for (const [i, s] of [...MIX, ...stack.users.map(() => scenario('/xp show'))].entries()) await one(stack, { ...s, untilReply: true }, i);
    // Let the bucket fill up again, so the burst meets the limit as a quiet bot would.
    const capacity = LIVE_RATE_LIMITS[0]!.capacity;
    const refillPerSecond = LIVE_RATE_LIMITS[0]!.refillPerSecond;
    await sleep(Math.max(0, (capacity - (await tokensLeft(stack))) / refillPerSecond) * 1000);
    const before = await tokensLeft(stack);
    const logged = stack.fake.requests.length;
    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: N }, (_, i) => one(stack, MIX[i % MIX.length]!, i)));
    const seconds = (performance.now() - started) / 1000;
    const requests = stack.fake.requests.slice(logged);

    const answered = outcomes.filter((o) => o.replyMs !== null).map((o) => o.replyMs!);
    const late = answered.filter((ms) => ms > DEADLINE_MS);
    const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    printTable(`Burst of ${N} commands at once under the live limit (50 requests a minute; ${before} tokens left at the start)`, ['figure', 'value'], [
      ['acknowledged within 3 s', `${outcomes.filter((o) => o.ackMs !== null && o.ackMs <= DEADLINE_MS).length} of ${N}`],
      ['visible answer within 3 s', `${answered.length - late.length} of ${N}`],
      ['visible answer later', late.length === 0 ? '0' : `${late.length} (p50 ${fmt(percentile(late, 50))}, max ${fmt(Math.max(...late))})`],
      [`no visible answer within ${WAIT_MS / 1000} s`, String(N - answered.length)],
      ['Valentina requests during the burst', `${requests.length} in ${seconds.toFixed(1)} s (${requests.filter(isHealthCheck).length} health checks)`],
      ['answered 429 by Valentina', String(requests.filter((r) => r.status === 429).length)],
      ['Discord rule violations', String(stack.sim.violations.length)],
    ]);
    const seen = new Map<string, number>();
    for (const o of outcomes) seen.set(o.seen, (seen.get(o.seen) ?? 0) + 1);
    printTable('What users saw (command: first line of the answer)', ['answer', 'count'], [...seen].sort((a, b) => b[1] - a[1]).map(([text, count]) => [text, String(count)]));
  } finally {
    await stopProcess(bot);
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * Discord's global limit in the simulator — 50 bot-token requests a second across every connection,
 * refused with a global 429 beyond — and the shared REST proxy that keeps several clients under it.
 */
import { REST } from '@discordjs/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { startRestProxy, type RunningRestProxy } from '../../src/discord/rest-proxy.js';
import { createLogger } from '../../src/logger.js';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { BOT_TOKEN, startSim } from './harness.js';

let sim: DiscordSimulator | undefined;
let proxy: RunningRestProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  await sim?.close();
  proxy = undefined;
  sim = undefined;
});

/** A client process's REST: its own bucket, as each bot process has. */
const restClient = (api: string) => new REST({ api, version: '10', retries: 2, timeout: 15_000 }).setToken(BOT_TOKEN);

const postAll = (clients: REST[], channelId: string, perClient: number) =>
  Promise.all(
    clients.flatMap((rest, c) =>
      Array.from({ length: perClient }, (_, i) => rest.post(`/channels/${channelId}/messages`, { body: { content: `client ${c} message ${i}` } })),
    ),
  );

describe('the global rate limit of the discord simulator', () => {
  it('answers the 51st bot request of a second with a global 429 and counts the second', async () => {
    let now = 1_700_000_000_000;
    sim = await startSim({ now: () => now });
    const me = () => fetch(`${sim!.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${BOT_TOKEN}` } });
    const first = await Promise.all(Array.from({ length: 60 }, me));
    expect(first.filter((r) => r.status === 200)).toHaveLength(50);
    const refused = first.filter((r) => r.status === 429);
    expect(refused).toHaveLength(10);
    expect(refused[0]!.headers.get('x-ratelimit-global')).toBe('true');
    expect(await refused[0]!.json()).toMatchObject({ global: true, retry_after: 1 });
    // Unauthenticated requests (interaction callbacks, webhooks) are not the bot token's.
    expect((await fetch(`${sim.apiUrl}/v10/gateway`)).status).toBe(200);

    now += 1_000;
    expect((await me()).status).toBe(200);
    expect(sim.rateLimit.windows.map((w) => [w.requests, w.refused])).toEqual([[60, 10], [1, 0]]);
    expect(sim.rateLimit.peakPerSecond).toBe(60);
    expect(sim.rateLimit.refused).toBe(10);
  });

  it('refuses two clients each under the limit but together over it, and lets them through one shared proxy without a refusal', async () => {
    // The simulator's clock stands still until the first refusal, so the two clients' first bursts fall in
    // one of its seconds however slowly a busy machine delivers them; then it runs on, and the refused
    // requests go through on their retries.
    let frozenAt: number | undefined = Date.now();
    sim = await startSim({ now: () => frozenAt ?? Date.now() });
    const guild = sim.addGuild({ name: 'Busy Table' });
    const channel = guild.defaultChannelId;

    // Two processes, each with its own bucket and each under the limit alone (30 of 50 a second): together
    // they exceed the token's limit.
    let sent = false;
    const unfrozen = (async () => {
      while (sim.rateLimit.refused === 0 && !sent) await new Promise((resolve) => setTimeout(resolve, 10));
      frozenAt = undefined;
    })();
    await postAll([restClient(sim.apiUrl), restClient(sim.apiUrl)], channel, 30).finally(() => (sent = true));
    await unfrozen;
    expect(sim.rateLimit.refused).toBeGreaterThan(0);
    expect(sim.rateLimit.peakPerSecond).toBeGreaterThan(50);

    sim.rateLimit.resetStats();
    proxy = await startRestProxy({ apiUrl: sim.apiUrl, host: '127.0.0.1', port: 0, logger: createLogger('silent') });
    // 60 requests, paced to 50 a second: the proxy spreads them over two of the simulator's seconds.
    const posted = await postAll([restClient(`${proxy.url}/api`), restClient(`${proxy.url}/api`)], channel, 30);
    expect(posted).toHaveLength(60);
    expect(sim.rateLimit.refused).toBe(0);
    expect(sim.rateLimit.peakPerSecond).toBeLessThanOrEqual(50);
    const contents = sim.channelMessages(channel).map((m) => m.content);
    for (const c of [0, 1]) for (let i = 0; i < 30; i += 1) expect(contents.filter((text) => text === `client ${c} message ${i}`)).toHaveLength(2);
  });

  it('keeps the body of a request the proxy retries after a 429 or a 503', async () => {
    sim = await startSim();
    const guild = sim.addGuild({ name: 'Retry Table' });
    proxy = await startRestProxy({ apiUrl: sim.apiUrl, host: '127.0.0.1', port: 0, logger: createLogger('silent') });
    const rest = restClient(`${proxy.url}/api`);
    sim.faults.inject({ method: 'POST', path: /messages$/, status: 429, retryAfterSeconds: 0.05 });
    sim.faults.inject({ method: 'POST', path: /messages$/, status: 503 });
    const message = (await rest.post(`/channels/${guild.defaultChannelId}/messages`, { body: { content: 'said once, arrives once' } })) as { content: string };
    expect(message.content).toBe('said once, arrives once');
    expect(sim.channelMessages(guild.defaultChannelId).map((m) => m.content)).toEqual(['said once, arrives once']);
    expect(sim.violations).toEqual([]);
  });
});

/**
 * Client overhead benchmark: `addXp` through the Valentina client vs the same request sent with a
 * bare undici Pool, both against the fake Valentina on loopback. Prints median and p99 latency and
 * the ratio (goal: client ≤ 1.3× bare).
 *
 *   npx tsx scripts/bench-client.ts [--n 2000]
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { startFakeValentina } from '../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS } from '../packages/sandbox/src/fixture.js';
import { ValentinaClient } from '../src/valentina/index.js';
import { percentile, printTable } from './bench-utils.js';

const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 2000;
const cid = FIXTURE_IDS.companies.chicago;
const target = FIXTURE_IDS.users.bastien.id;
const actor = FIXTURE_IDS.users.celeste.id;
const campaignId = FIXTURE_IDS.campaigns.main;

async function measure(run: () => Promise<void>, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const fake = await startFakeValentina({ rateLimits: false });
  const client = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey });
  const pool = new Pool(fake.url, { connections: 16, pipelining: 1 });
  const path = `/api/v1/companies/${cid}/users/${target}/experience/xp/add`;
  const body = JSON.stringify({ amount: 1, campaign_id: campaignId });

  const viaClient = () =>
    client.experience.addXp(cid, target, { amount: 1, campaignId }, { onBehalfOf: actor, idempotencyKey: randomUUID() }).then(() => undefined);
  const bare = async () => {
    const res = await pool.request({
      method: 'POST',
      path,
      body,
      headers: { 'x-api-key': fake.apiKey, 'on-behalf-of': actor, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
    });
    JSON.parse(await res.body.text());
  };

  // Warm up both paths (JIT, connections), then interleave rounds so drift affects both alike.
  await measure(viaClient, 200);
  await measure(bare, 200);
  const clientSamples: number[] = [];
  const bareSamples: number[] = [];
  for (let round = 0; round < 4; round += 1) {
    bareSamples.push(...(await measure(bare, n / 4)));
    clientSamples.push(...(await measure(viaClient, n / 4)));
  }

  const rows = [
    { name: 'bare undici', p50: percentile(bareSamples, 50), p99: percentile(bareSamples, 99) },
    { name: 'ValentinaClient.addXp', p50: percentile(clientSamples, 50), p99: percentile(clientSamples, 99) },
  ];
  printTable(`addXp against the fake on loopback (n=${n} each)`, ['path', 'p50 ms', 'p99 ms'], rows.map((r) => [r.name, r.p50.toFixed(3), r.p99.toFixed(3)]));
  const ratio50 = rows[1]!.p50 / rows[0]!.p50;
  const ratio99 = rows[1]!.p99 / rows[0]!.p99;
  console.log(`ratio client/bare: p50 ${ratio50.toFixed(2)}x, p99 ${ratio99.toFixed(2)}x (goal <= 1.3x)`);

  await client.close();
  await pool.close();
  await fake.close();
}

await main();

/**
 * Identical reads in flight share one request, against the fake over real HTTP: Valentina's answer is
 * held until every caller asked, so they all meet while the first is on its way. The callers each get
 * the answer (their own copy), spend no budget token of their own, and are told when the shared request
 * waits; reads that are not the same, must be fresh, or start after a write go on their own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS as ids } from '../../packages/sandbox/src/fixture.js';
import { ValentinaClient, type RequestBudget } from '../../src/valentina/index.js';
import type { BudgetRequest, BudgetTicket } from '../../src/valentina/budget.js';
import { SharedReads } from '../../src/valentina/shared-reads.js';

const cid = ids.companies.chicago;
const { mara, celeste } = ids.users;
const maraPath = `/companies/${cid}/users/${mara.id}`;

/** A budget that grants every token and counts them. */
class CountingBudget implements RequestBudget {
  taken = 0;
  acquire(request: BudgetRequest): Promise<BudgetTicket> {
    this.taken += request.cost ?? 1;
    return Promise.resolve({ granted: true, waitMs: 0 });
  }
  observe(): Promise<void> {
    return Promise.resolve();
  }
}

describe('identical reads in flight', () => {
  let fake: FakeValentina;
  let client: ValentinaClient;
  let budget: CountingBudget;

  beforeAll(async () => {
    fake = await startFakeValentina();
  });
  beforeEach(async () => {
    await client?.close();
    budget = new CountingBudget();
    client = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, budget });
    fake.faults.clear();
    fake.clearRequests();
  });
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  /** Holds Valentina's answers on `path` until the returned function is called. */
  const hold = (path: string, times = 1) => fake.faults.hold({ path, times });
  const arrived = (path: string, count: number) =>
    expect.poll(() => fake.countRequests({ path }), { timeout: 10_000 }).toBe(count);

  it('share one request and one budget token; each caller gets its own copy of the answer', async () => {
    const release = hold(maraPath);
    const first = client.users.get(cid, mara.id, {}, { onBehalfOf: mara.id });
    await arrived(maraPath, 1);
    const others = Array.from({ length: 4 }, () => client.users.get(cid, mara.id, {}, { onBehalfOf: mara.id }));
    release();
    const answers = await Promise.all([first, ...others]);
    expect(fake.countRequests({ path: maraPath })).toBe(1);
    expect(budget.taken).toBe(1);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    answers[1]!.campaign_experience.length = 0;
    expect(answers[0].campaign_experience.length).toBeGreaterThan(0);
    expect(answers[2]!.campaign_experience.length).toBeGreaterThan(0);
  });

  it('go on their own when the acting user differs, when asked fresh, or once they are over', async () => {
    const release = hold(maraPath);
    const first = client.users.get(cid, mara.id, {}, { onBehalfOf: mara.id });
    await arrived(maraPath, 1);
    const asCeleste = client.users.get(cid, mara.id, {}, { onBehalfOf: celeste.id });
    const fresh = client.users.get(cid, mara.id, {}, { onBehalfOf: mara.id, fresh: true });
    await arrived(maraPath, 3);
    release();
    await Promise.all([first, asCeleste, fresh]);
    await client.users.get(cid, mara.id, {}, { onBehalfOf: mara.id });
    expect(fake.countRequests({ path: maraPath })).toBe(4);
    expect(budget.taken).toBe(4);
  });

  it('do not join a read that left before a write of this client began', async () => {
    const release = hold(maraPath);
    const before = client.users.get(cid, mara.id, {}, { onBehalfOf: celeste.id });
    await arrived(maraPath, 1);
    const write = client.experience.addXp(cid, mara.id, { amount: 1, campaignId: ids.campaigns.main }, { onBehalfOf: celeste.id });
    const during = client.users.get(cid, mara.id, {}, { onBehalfOf: celeste.id });
    await write;
    const after = client.users.get(cid, mara.id, {}, { onBehalfOf: celeste.id });
    await arrived(maraPath, 3);
    release();
    await Promise.all([before, during, after]);
    expect(fake.countRequests({ path: maraPath })).toBe(3);
  });
});

describe('SharedReads', () => {
  it('tells every caller that joined when the shared request waits, also one that joins during the wait', async () => {
    const reads = new SharedReads();
    const identity = { path: '/x', onBehalfOf: undefined, terms: 'interactive' };
    const told: string[] = [];
    let announce: (wait: { endpoint: string; waitMs: number }) => void = () => undefined;
    let answer: (value: number) => void = () => undefined;
    const first = reads.run(identity, () => told.push('first'), (tell) => {
      announce = tell;
      return new Promise<number>((resolve) => (answer = resolve));
    });
    const second = reads.run(identity, () => told.push('second'), () => Promise.reject(new Error('not sent')));
    announce({ endpoint: 'GET /x', waitMs: 1_000 });
    const third = reads.run(identity, () => told.push('third'), () => Promise.reject(new Error('not sent')));
    answer(7);
    expect(await Promise.all([first, second, third])).toEqual([7, 7, 7]);
    expect(told).toEqual(['first', 'second', 'third']);
  });
});

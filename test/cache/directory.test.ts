import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exactChoice, matchChoices, pickChoice } from '../../src/cache/cached-json.js';
import { CompanyDirectory } from '../../src/cache/directory.js';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS as ids } from '../../packages/sandbox/src/fixture.js';
import { ValentinaClient } from '../../src/valentina/index.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { createKeyspace } from '../../src/keyspace.js';

describe('CompanyDirectory', () => {
  const redis = new Redis(redisUrl());
  let fake: FakeValentina;
  let client: ValentinaClient;
  beforeAll(async () => {
    fake = await startFakeValentina();
    client = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey });
  });
  afterAll(async () => {
    await client.close();
    await fake.close();
    await redis.quit();
  });

  /** Two processes: own Redis connections, own directories, one keyspace (the caller quits `other`). */
  const twoProcesses = () => {
    const other = new Redis(redisUrl());
    const keys = createKeyspace(uniquePrefix('dir')).directory;
    return { other, keys, one: new CompanyDirectory({ redis, keys, valentina: client }), two: new CompanyDirectory({ redis: other, keys, valentina: client }) };
  };

  it('serves campaign autocomplete from cache after the first load', async () => {
    const directory = new CompanyDirectory({ redis, keys: createKeyspace(uniquePrefix('dir')).directory, valentina: client });
    fake.clearRequests();
    const first = await directory.campaignChoices(ids.companies.chicago, 'loop');
    expect(first.map((c) => c.value)).toEqual([ids.campaigns.main]);
    await Promise.all([directory.campaignChoices(ids.companies.chicago, ''), directory.campaignChoices(ids.companies.chicago, 'req')]);
    expect(fake.countRequests({ path: /\/campaigns/ })).toBe(1);
  });

  it('loads a missing list once for two processes that miss it at the same moment, each getting it', async () => {
    // Valentina's answer is held until both asked.
    const { other, keys, one, two } = twoProcesses();
    const release = fake.faults.hold({ path: `/companies/${ids.companies.chicago}/campaigns` });
    fake.clearRequests();
    try {
      const lists = Promise.all([one.campaigns(ids.companies.chicago), two.campaigns(ids.companies.chicago), one.campaigns(ids.companies.chicago)]);
      // The second process waits for the first's load: it holds the claim, its request is at Valentina.
      await vi.waitFor(async () => {
        expect(fake.countRequests({ path: /\/campaigns/ })).toBe(1);
        expect(await redis.exists(keys.fillClaim(keys.campaigns(ids.companies.chicago)))).toBe(1);
      }, { timeout: 10_000 });
      release();
      const [a, b, c] = await lists;
      expect(a.map((campaign) => campaign.id)).toContain(ids.campaigns.main);
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      expect(fake.countRequests({ path: /\/campaigns/ })).toBe(1);
      expect(await redis.exists(keys.fillClaim(keys.campaigns(ids.companies.chicago)))).toBe(0);
    } finally {
      release();
      await other.quit();
    }
  });

  it('lets another process load a list when the one loading it failed', async () => {
    const { other, one, two } = twoProcesses();
    const release = fake.faults.hold({ path: `/companies/${ids.companies.chicago}/campaigns` });
    fake.faults.inject({ kind: 'status', status: 404, path: `/companies/${ids.companies.chicago}/campaigns` });
    fake.clearRequests();
    try {
      const first = one.campaigns(ids.companies.chicago).then(() => 'loaded', () => 'failed');
      await vi.waitFor(() => expect(fake.countRequests({ path: /\/campaigns/ })).toBe(1), { timeout: 10_000 });
      const second = two.campaigns(ids.companies.chicago);
      release();
      expect(await first).toBe('failed');
      expect((await second).map((campaign) => campaign.id)).toContain(ids.campaigns.main);
      expect(fake.countRequests({ path: /\/campaigns/ })).toBe(2);
    } finally {
      release();
      await other.quit();
    }
  });

  it('lists only companies the key reaches', async () => {
    const directory = new CompanyDirectory({ redis, keys: createKeyspace(uniquePrefix('dir')).directory, valentina: client });
    const names = (await directory.companies()).map((c) => c.name);
    expect(names).toContain('Chicago by Night');
    expect(names).not.toContain('Sabbat Shadows');
    expect((await directory.companySummary(ids.companies.chicago)).permissionGrantXp).toBe('STORYTELLER');
  });
});

describe('matchChoices', () => {
  const items = [{ name: 'Requiem for the Loop' }, { name: 'Loop Garou' }, { name: 'Éclat' }];
  it('matches any part of the name, prefixes first, accents folded', () => {
    expect(matchChoices(items, 'loop').map((i) => i.name)).toEqual(['Loop Garou', 'Requiem for the Loop']);
    expect(matchChoices(items, 'ecl').map((i) => i.name)).toEqual(['Éclat']);
    expect(matchChoices(items, '')).toHaveLength(3);
    expect(matchChoices(items, 'zzz')).toEqual([]);
  });
});

describe('exactChoice', () => {
  const items = [
    { id: '0197e3d0-aaaa-7000-8000-00000000000A', name: 'Requiem for the Loop' },
    { id: '0197e3d0-bbbb-7000-8000-00000000000b', name: 'Loop Garou' },
  ];
  it('finds the item by its id (as autocomplete sends it) or its whole name, ignoring case and spaces around', () => {
    expect(exactChoice(items, '0197e3d0-aaaa-7000-8000-00000000000a')?.name).toBe('Requiem for the Loop');
    expect(exactChoice(items, '  loop garou ')?.name).toBe('Loop Garou');
    expect(exactChoice(items, 'Loop')).toBeUndefined();
  });
});

describe('pickChoice', () => {
  const items = [
    { id: '0197e3d0-aaaa-7000-8000-00000000000a', name: 'Requiem for the Loop' },
    { id: '0197e3d0-bbbb-7000-8000-00000000000b', name: 'Loop Garou' },
    { id: '0197e3d0-cccc-7000-8000-00000000000c', name: 'Gehenna Rising' },
  ];
  it('takes the exact item, else the only one whose name contains what was typed', () => {
    expect(pickChoice(items, 'loop garou')?.name).toBe('Loop Garou');
    expect(pickChoice(items, 'requiem')?.name).toBe('Requiem for the Loop');
    expect(pickChoice(items, 'loop')).toBeUndefined();
    expect(pickChoice(items, 'masquerade')).toBeUndefined();
  });
});

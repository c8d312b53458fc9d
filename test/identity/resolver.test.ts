import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  IdentityResolver,
  describeResolution,
  type LookupClient,
  type LookupEntry,
} from '../../src/identity/resolver.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { createKeyspace } from '../../src/keyspace.js';

const CHICAGO = '0197e3c2-5a10-7f3e-8b21-4c6d2e9a1f05';
const ANARCH = '0197e3c2-5a10-7f3e-8b21-4c6d2e9a1f06';
const MARA = '402817294562377729';

/** A directory of memberships that counts how often it was asked. */
class CountingDirectory implements LookupClient {
  calls = 0;
  entries = new Map<string, LookupEntry[]>();
  delayMs = 20;
  users = {
    lookup: async ({ discordId }: { discordId: string }): Promise<LookupEntry[]> => {
      this.calls += 1;
      await new Promise((r) => setTimeout(r, this.delayMs));
      return this.entries.get(discordId) ?? [];
    },
  };
}

const entry = (company: string, name: string, role: LookupEntry['role'], userId = '0197e3d0-1b2c-7d3e-a4f5-6a7b8c9d0e1f'): LookupEntry => ({
  company_id: company,
  company_name: name,
  user_id: userId,
  role,
});

describe('IdentityResolver', () => {
  const redis = new Redis(redisUrl());
  let directory: CountingDirectory;
  let resolver: IdentityResolver;

  beforeEach(() => {
    directory = new CountingDirectory();
    resolver = new IdentityResolver({ client: directory, redis, keys: createKeyspace(uniquePrefix('ident')).identity });
  });
  afterAll(() => redis.quit());

  it('resolves a linked player in the guild company and serves the next call from cache', async () => {
    directory.entries.set(MARA, [entry(CHICAGO, 'Chicago by Night', 'PLAYER')]);
    const first = await resolver.resolveInGuild(MARA, { companyId: CHICAGO, companyName: 'Chicago by Night' });
    expect(first).toMatchObject({ status: 'ok', actor: { role: 'PLAYER', companyId: CHICAGO } });
    await resolver.resolveInGuild(MARA, { companyId: CHICAGO, companyName: 'Chicago by Night' });
    expect(directory.calls).toBe(1);
  });

  it('asks Valentina once for many concurrent interactions, across resolver instances', async () => {
    directory.entries.set(MARA, [entry(CHICAGO, 'Chicago by Night', 'PLAYER')]);
    const keys = createKeyspace(uniquePrefix('stampede')).identity;
    const a = new IdentityResolver({ client: directory, redis, keys });
    const b = new IdentityResolver({ client: directory, redis, keys });
    directory.delayMs = 100;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).lookup(MARA)));
    expect(results.every((r) => r.length === 1)).toBe(true);
    expect(directory.calls).toBe(1);
  });

  it('tells apart not linked, unapproved, deactivated and another company', async () => {
    const company = { companyId: CHICAGO, companyName: 'Chicago by Night' };
    expect(await resolver.resolveInGuild('111111111111111111', company)).toEqual({ status: 'not_linked' });
    directory.entries.set('222222222222222222', [entry(CHICAGO, 'Chicago by Night', 'UNAPPROVED')]);
    expect(await resolver.resolveInGuild('222222222222222222', company)).toEqual({ status: 'unapproved', companyName: 'Chicago by Night' });
    directory.entries.set('333333333333333333', [entry(CHICAGO, 'Chicago by Night', 'DEACTIVATED')]);
    expect((await resolver.resolveInGuild('333333333333333333', company)).status).toBe('deactivated');
    directory.entries.set('444444444444444444', [entry(ANARCH, 'Anarch Free State', 'PLAYER')]);
    const other = await resolver.resolveInGuild('444444444444444444', company);
    expect(other.status).toBe('other_company');
    if (other.status === 'other_company') {
      expect(describeResolution(other)).toContain('Anarch Free State');
      expect(describeResolution(other)).toContain('/link');
    }
  });

  it('asks DM users with several companies to choose, then remembers', async () => {
    directory.entries.set(MARA, [entry(CHICAGO, 'Chicago by Night', 'PLAYER'), entry(ANARCH, 'Anarch Free State', 'STORYTELLER')]);
    const first = await resolver.resolveInDm(MARA);
    expect(first.status).toBe('choose_company');
    await resolver.setDmCompany(MARA, ANARCH);
    expect(await resolver.resolveInDm(MARA)).toMatchObject({ status: 'ok', actor: { companyId: ANARCH, role: 'STORYTELLER' } });
  });

  it('invalidation makes the next call ask Valentina again', async () => {
    directory.entries.set(MARA, []);
    expect((await resolver.resolveInDm(MARA)).status).toBe('not_linked');
    directory.entries.set(MARA, [entry(CHICAGO, 'Chicago by Night', 'PLAYER')]);
    await resolver.invalidate(MARA);
    expect((await resolver.resolveInDm(MARA)).status).toBe('ok');
    expect(directory.calls).toBe(2);
  });

  it('hands back why the user cannot act, without running the action', async () => {
    let ran = false;
    const result = await resolver.runAsActor(
      () => resolver.resolveInGuild('999999999999999999', { companyId: CHICAGO, companyName: 'Chicago by Night' }),
      async () => {
        ran = true;
        return { status: 'ok' };
      },
    );
    expect(result).toEqual({ acted: false, refusal: { status: 'not_linked' } });
    expect(ran).toBe(false);
  });

  it('drops a stale actor that Valentina rejects and retries once with the fresh one', async () => {
    const company = { companyId: CHICAGO, companyName: 'Chicago by Night' };
    const stale = '0197e3d0-0000-7000-8000-000000000001';
    const fresh = '0197e3d0-0000-7000-8000-000000000002';
    directory.entries.set(MARA, [entry(CHICAGO, 'Chicago by Night', 'PLAYER', stale)]);
    await resolver.lookup(MARA);
    directory.entries.set(MARA, [entry(CHICAGO, 'Chicago by Night', 'PLAYER', fresh)]);
    const seen: string[] = [];
    const result = await resolver.runAsActor(
      () => resolver.resolveInGuild(MARA, company),
      async (actor) => {
        seen.push(actor.userId);
        if (actor.userId === stale) throw Object.assign(new Error('gone'), { status: 404, detail: `User '${stale}' not found` });
        return 'granted';
      },
    );
    expect(result).toEqual({ acted: true, value: 'granted' });
    expect(seen).toEqual([stale, fresh]);
  });
});

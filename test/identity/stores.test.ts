import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { OAuthStateStore } from '../../src/identity/oauth-state.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { createKeyspace } from '../../src/keyspace.js';

const CHICAGO = '0197e3c2-5a10-7f3e-8b21-4c6d2e9a1f05';
const ANARCH = '0197e3c2-5a10-7f3e-8b21-4c6d2e9a1f06';

describe('GuildBindingStore', () => {
  const redis = new Redis(redisUrl());
  afterAll(() => redis.quit());
  const binding = {
    guildId: '900000000000000001',
    companyId: CHICAGO,
    companyName: 'Chicago by Night',
    approvalsChannelId: '900000000000000010',
    defaultCampaignId: null,
    defaultCampaignName: null,
    auditChannelId: null,
    updatedBy: '402817294562377729',
  };

  it('stores, re-binds and indexes guilds by company', async () => {
    const store = new GuildBindingStore(redis, createKeyspace(uniquePrefix('bind')).identity);
    expect(await store.get(binding.guildId)).toBeNull();
    await store.set(binding);
    expect(await store.get(binding.guildId)).toMatchObject({ companyName: 'Chicago by Night', showEmailInApprovals: false });
    expect((await store.guildsForCompany(CHICAGO)).map((b) => b.guildId)).toEqual([binding.guildId]);
    await store.set({ ...binding, companyId: ANARCH, companyName: 'Anarch Free State' });
    expect(await store.guildsForCompany(CHICAGO)).toEqual([]);
    expect((await store.all()).map((b) => b.companyName)).toEqual(['Anarch Free State']);
  });

  it('treats an unreadable stored value as not set up', async () => {
    const prefix = uniquePrefix('bind');
    const store = new GuildBindingStore(redis, createKeyspace(prefix).identity);
    await redis.set(`${prefix}:guild:${binding.guildId}`, '{"version":1,"guildId":"nope"}');
    expect(await store.get(binding.guildId)).toBeNull();
  });
});

describe('OAuthStateStore', () => {
  const redis = new Redis(redisUrl());
  afterAll(() => redis.quit());
  const input = { discordUserId: '402817294562377729', guildId: null, companyId: CHICAGO, interactionToken: null };

  it('is single use', async () => {
    const store = new OAuthStateStore(redis, createKeyspace(uniquePrefix('oauth')).identity);
    const token = await store.create(input);
    expect(await store.consume(token)).toMatchObject({ ok: true, state: { discordUserId: input.discordUserId } });
    expect(await store.consume(token)).toEqual({ ok: false, reason: 'expired_or_used' });
  });

  it('tells a forged token from an expired one', async () => {
    const store = new OAuthStateStore(redis, createKeyspace(uniquePrefix('oauth')).identity, 1);
    expect(await store.consume('forged-token-forged-token')).toEqual({ ok: false, reason: 'unknown' });
    const token = await store.create(input);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await store.consume(token)).toEqual({ ok: false, reason: 'expired_or_used' });
  });
});

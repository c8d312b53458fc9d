import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createKeyspace } from '../../src/keyspace.js';
import { getLedgerEntry, ledgerPage, recordLedgerEntry, undoneBy, type LedgerEntryInput } from '../../src/experience/ledger.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

const redis = new Redis(redisUrl());
const prefix = uniquePrefix('xp-ledger');
const config = loadConfig({ DISCORD_TOKEN: 't', DISCORD_CLIENT_ID: '123456789012345678', DISCORD_CLIENT_SECRET: 's', VALENTINA_API_KEY: 'k', PUBLIC_URL: 'https://bot.example.org' });
const deps = { redis, keys: createKeyspace(prefix), config };
const company = 'company-1';
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const entry = (key: string, overrides: Partial<LedgerEntryInput> = {}): LedgerEntryInput => ({
  key,
  kind: 'add',
  actorDiscordId: '111111111111111111',
  actorUserId: 'u-celeste',
  targetDiscordId: '222222222222222222',
  targetUserId: 'u-mara',
  targetName: 'Mara',
  campaignId: 'c-1',
  campaignName: 'Requiem',
  amount: 5,
  xpDelta: 5,
  reason: null,
  interactionId: '333333333333333333',
  at: Date.now(),
  xpCurrent: 5,
  xpTotal: 5,
  coolPoints: 0,
  undoes: null,
  ...overrides,
});

describe('the XP ledger', () => {
  it('records a change once per key, however often it is appended', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => recordLedgerEntry(deps, company, entry('k-1:xp-add>u-mara'))));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await redis.xlen(deps.keys.experience.ledger(company))).toBe(1);
  });

  it('marks the undone entry in the same step as the undo is recorded, and reads entries back checked', async () => {
    const { id } = await recordLedgerEntry(deps, company, entry('k-2:xp-add>u-mara', { amount: 3, xpDelta: 3 }));
    expect(await undoneBy(deps, company, [id])).toEqual([null]);
    const undo = await recordLedgerEntry(deps, company, entry(`undo:${id}>u-mara`, { kind: 'undo', xpDelta: -3, amount: 3, undoes: id }));
    expect(await undoneBy(deps, company, [id])).toEqual([undo.id]);
    expect((await getLedgerEntry(deps, company, id))?.amount).toBe(3);
    // A malformed entry (written by something else) is skipped, never shown half-read.
    await redis.xadd(deps.keys.experience.ledger(company), '*', 'e', '{"kind":"add"}');
    const page = await ledgerPage(deps, company, {}, 0, 10);
    expect(page.entries.map((e) => e.kind)).toEqual(['undo', 'add', 'add']);
    expect(await getLedgerEntry(deps, company, 'not-an-id')).toBeNull();
  });

  it('pages newest first, filtered by player', async () => {
    const other = 'company-2';
    for (let i = 0; i < 7; i += 1) {
      await recordLedgerEntry(deps, other, entry(`p-${i}`, { amount: i + 1, targetDiscordId: i % 2 ? '444444444444444444' : '222222222222222222' }));
    }
    const mara = await ledgerPage(deps, other, { targetDiscordId: '222222222222222222' }, 1, 2);
    expect(mara.total).toBe(4);
    expect(mara.entries.map((e) => e.amount)).toEqual([3, 1]);
  });
});

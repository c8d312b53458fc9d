/**
 * Notes by DM when Valentina is unavailable: the note is pending (never reported saved before it is),
 * saved once Valentina answers again with a follow-up DM, and nothing is lost or doubled across a bot
 * restart — neither a pending note nor a burst still being collected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { createKeyspace } from '../../src/keyspace.js';
import { startStack, waitFor, type Stack } from '../support/bot-process.js';

const { chicago } = FIXTURE_IDS.companies;
const bastienId = FIXTURE_IDS.users.bastien.id;
const notesPath = (userId: string) => new RegExp(`/companies/${chicago}/users/${userId}/notes$`);
const NOTES_PATH = notesPath(bastienId);

describe('notes while Valentina is down', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A quiet window long enough that the kill below lands while the burst is still being collected.
    stack = await startStack({ env: { NOTES_BURST_QUIET_MS: '2000' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const titled = (title: string, userId = bastienId) =>
    [...stack.fake.store.notes.values()].filter((n) => n.user_id === userId && !n.archived && n.title === title);
  const dmTo = (predicate: (content: string, title: string | undefined) => boolean, timeoutMs = 20_000, dmUserId = stack.users.bastien.id) =>
    stack.sim.waitForMessage({ dmUserId, timeoutMs, predicate: (m) => predicate(m.content, m.embeds[0]?.title) });
  /** A new player of Chicago by Night with a Discord account, who writes notes by DM like Bastien. */
  const player = (username: string) => {
    const discord = stack.sim.addUser({ username });
    const profile = { id: discord.id, username, global_name: null, avatar_id: null, discriminator: '0', email: `${username}@example.net`, verified: true };
    const user = stack.fake.store.createUser({ company_id: chicago, username, email: `${username}@example.net`, role: 'PLAYER', discord_profile: profile });
    return { discord, userId: user.id };
  };

  it('keeps the note pending while Valentina answers 503, and saves it once when Valentina is back', async () => {
    stack.fake.faults.inject({ method: 'POST', path: NOTES_PATH, kind: 'status', status: 503, times: 1000 });
    await stack.sim.sendDM(stack.users.bastien, 'Pending thought\nWrite this down even if the server is down.');
    const pending = await dmTo((content) => content.includes('**pending**'));
    expect(pending.content).toContain('Pending thought');
    expect(titled('Pending thought')).toHaveLength(0);
    expect(stack.sim.dmMessages(stack.users.bastien.id).some((m) => m.embeds[0]?.title === '📝 Pending thought')).toBe(false);

    stack.fake.faults.clear();
    const saved = await dmTo((_content, title) => title === '📝 Pending thought', 30_000);
    expect(saved.content).toContain('Your pending note is **saved in Valentina** now');
    expect(saved.components[0]?.components?.map((c) => c.label)).toEqual(['Edit', 'Delete', 'Undo']);
    expect(titled('Pending thought').map((n) => n.content)).toEqual(['Write this down even if the server is down.']);
  }, 60_000);

  it('saves a note exactly once when Valentina saved it but answered 500 or dropped the connection', async () => {
    const faults = [
      { kind: 'apply-then-status', status: 500 },
      { kind: 'apply-then-status', status: 500 },
      { kind: 'apply-then-status', status: 500 },
      { kind: 'apply-then-drop' },
    ] as const;
    // One player per fault, each fault on that player's notes only, so the four lost answers (and the
    // retries that must find the saved note rather than send it again) run side by side.
    const players = faults.map((_fault, i) => player(`lost-answer-${i}`));
    for (const [i, fault] of faults.entries()) stack.fake.faults.inject({ method: 'POST', path: notesPath(players[i]!.userId), ...fault });
    await Promise.all(players.map((p, i) => stack.sim.sendDM(p.discord, `Lost answer ${i}\nSaved by Valentina, its answer lost.`)));
    await Promise.all(players.map((p, i) => dmTo((_content, shown) => shown === `📝 Lost answer ${i}`, 30_000, p.discord.id)));
    const once = players.filter((p, i) => titled(`Lost answer ${i}`, p.userId).length === 1).length;
    expect(once).toBe(faults.length);
    expect(stack.fake.faults.pending).toBe(0);
  }, 90_000);

  it('saves a pending note exactly once after a bot restart', async () => {
    stack.fake.faults.inject({ method: 'POST', path: NOTES_PATH, kind: 'status', status: 503, times: 1000 });
    await stack.sim.sendDM(stack.users.bastien, 'Across the restart\nThe job must survive.');
    await dmTo((content) => content.includes('**pending**') && content.includes('Across the restart'));
    await stack.bot.stop('SIGTERM');
    stack.fake.faults.clear();
    await stack.bot.restart();
    await dmTo((_content, title) => title === '📝 Across the restart', 30_000);
    expect(titled('Across the restart')).toHaveLength(1);
  }, 60_000);

  it('keeps a burst still being collected when the bot is killed, and saves it after the restart', async () => {
    const dm = await stack.sim.sendDM(stack.users.bastien, 'Collected before the crash');
    await waitFor('the bot to take the message', 10_000, () => (stack.sim.reactions(dm.id).get('📝') ?? []).length > 0);
    await stack.bot.stop('SIGKILL');
    // The kill came while the burst was open (not yet sealed into a note), so the restart has it to finish.
    const openBurst = createKeyspace(stack.redis.prefix).notes.burst(stack.users.bastien.id);
    expect(await stack.redis.client.hget(openBurst, 'id')).toBe(dm.id);
    await stack.bot.restart();
    await dmTo((_content, title) => title === '📝 Collected before the crash', 30_000);
    expect(titled('Collected before the crash')).toHaveLength(1);
    expect(stack.sim.violations).toEqual([]);
  }, 60_000);
});

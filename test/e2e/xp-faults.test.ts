/**
 * `/xp add` and `/cp add` under faults that apply the write and lose or fail its answer: the balance
 * moves exactly once per command, and the public reply and the audit record state the right amounts.
 * When the balance shows something else, the user is told honestly, with Valentina's request id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuildBinding } from '../../src/identity/guild-binding.js';
import type { FaultRule } from '../../packages/sandbox/src/fake-valentina/index.js';
import type { OptionValue, SimMessage } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { bindChicago, startStack, waitFor, type Stack } from '../support/bot-process.js';

const main = FIXTURE_IDS.campaigns.main;
const ids = FIXTURE_IDS.users;
const TIMES = 5;
/** How long the bot waits for an answer from Valentina (VALENTINA_TIMEOUT_MS), and how late the late answer comes. */
const TIMEOUT_MS = 3_000;
const LATE_ANSWER_MS = TIMEOUT_MS + 2_000;

type Fault = FaultRule extends infer R ? (R extends { kind: infer K } ? { kind: K } & Omit<R, 'method' | 'path' | 'times'> : never) : never;
const FAULTS: Array<[string, Fault]> = [
  ['apply-then-500', { kind: 'apply-then-status', status: 500 }],
  ['apply-then-502', { kind: 'apply-then-status', status: 502 }],
  ['apply-then-503', { kind: 'apply-then-status', status: 503 }],
  ['apply-then-drop', { kind: 'apply-then-drop' }],
  ['drop-after-apply', { kind: 'drop-after-apply' }],
  ['500 before applying', { kind: 'status', status: 500 }],
];

describe('/xp and /cp under lost answers', () => {
  let stack: Stack;
  let binding: GuildBinding;

  beforeAll(async () => {
    stack = await startStack({ env: { VALENTINA_TIMEOUT_MS: String(TIMEOUT_MS) } });
    binding = await bindChicago(stack, { ...MAIN_CAMPAIGN_AS_DEFAULT, auditChannelId: stack.guild.defaultChannelId });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const run = (command: 'xp' | 'cp', options: Record<string, OptionValue>) =>
    stack.sim.slashCommand({ user: stack.users.celeste, guildId: stack.guild.id, command, subcommand: 'add', options }).then((ix) => ix.reply({ timeoutMs: 20_000 }));
  const experience = (userId: string) => ({ xp_current: 0, xp_total: 0, cool_points: 0, ...stack.fake.store.getExperience(userId, main) });
  const fieldsOf = (embeds: SimMessage['embeds']) => Object.fromEntries((embeds[0]?.fields ?? []).map((f) => [f.name, f.value]));
  const isAudit = (reason: string) => (m: SimMessage) => m.interactionId === null && m.embeds.some((e) => e.fields?.some((f) => f.value === reason));

  describe.each(FAULTS)('%s', (name, fault) => {
    it.each([
      ['xp', 3, 3, 0],
      ['cp', 1, 10, 1],
    ] as const)(`/%s add moves the balance exactly once in ${TIMES} injected faults`, async (command, amount, xp, points) => {
      let movedOnce = 0;
      for (let i = 0; i < TIMES; i += 1) {
        const before = experience(ids.mara.id);
        const reason = `${name} ${command} #${i}`;
        stack.fake.faults.inject({ ...fault, method: 'POST', path: command === 'xp' ? /\/experience\/xp\/add$/ : /\/experience\/cp\/add$/ });
        const reply = await run(command, { user: stack.users.mara.id, amount, reason });
        const after = experience(ids.mara.id);
        const expected = { xp_current: before.xp_current + xp, xp_total: before.xp_total + xp, cool_points: before.cool_points + points };
        if (after.xp_current === expected.xp_current && after.xp_total === expected.xp_total && after.cool_points === expected.cool_points) movedOnce += 1;

        expect(reply.ephemeral).toBe(false);
        const shown = {
          'Available XP': `${before.xp_current} → ${expected.xp_current}`,
          'Total XP': `${before.xp_total} → ${expected.xp_total}`,
          'Cool points': points ? `${before.cool_points} → ${expected.cool_points}` : String(expected.cool_points),
          Reason: reason,
        };
        expect(fieldsOf(reply.embeds)).toEqual(shown);
        const audit = await stack.sim.waitForMessage({ channelId: binding.auditChannelId!, predicate: isAudit(reason), timeoutMs: 10_000 });
        expect(fieldsOf(audit.embeds)).toEqual(shown);
      }
      expect(stack.fake.faults.pending).toBe(0);
      expect(movedOnce).toBe(TIMES);
    });
  });

  it('answers honestly, with the request id and nothing to send again, when someone else changed the balance meanwhile', async () => {
    const before = experience(ids.bastien.id);
    const other = () => {
      const record = stack.fake.store.ensureExperience(ids.bastien.id, main);
      record.xp_current += 1;
      record.xp_total += 1;
    };
    stack.fake.faults.inject({ kind: 'apply-then-status', status: 500, method: 'POST', path: /\/experience\/xp\/add$/, afterApply: other });
    const reply = await run('xp', { user: stack.users.bastien.id, amount: 4 });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/^Valentina didn't confirm this change, so it may or may not have been made \(request req_[A-Za-z0-9_-]+\)\./);
    expect(reply.content).toContain(`<@${stack.users.bastien.id}> now has **${before.xp_current + 5} XP** available in *Requiem for the Loop* (${before.xp_current} before this command)`);
    expect(reply.content).toContain('Check with `/xp show` before trying again.');
    expect(reply.content).not.toContain('send again');
    // Sent once, never re-sent: our 4 and the other writer's 1.
    expect(experience(ids.bastien.id).xp_current).toBe(before.xp_current + 5);
  });

  it('proves a grant whose answer came too late (a timeout) from the balance', async () => {
    const before = experience(ids.mara.id);
    stack.fake.clearRequests();
    let appliedAt = 0;
    stack.fake.faults.inject({ kind: 'latency-after-apply', ms: LATE_ANSWER_MS, method: 'POST', path: /\/experience\/xp\/add$/, afterApply: () => (appliedAt = Date.now()) });
    const reply = await run('xp', { user: stack.users.mara.id, amount: 2, reason: 'late answer' });
    expect(reply.ephemeral).toBe(false);
    expect(fieldsOf(reply.embeds)['Available XP']).toBe(`${before.xp_current} → ${before.xp_current + 2}`);
    expect(experience(ids.mara.id).xp_current).toBe(before.xp_current + 2);
    expect(stack.fake.countRequests({ method: 'POST', path: /\/experience\/xp\/add$/ })).toBe(1);
    // The answer was never delivered: by the time it was due the bot had given up waiting and hung up.
    await waitFor('the late answer to be due', LATE_ANSWER_MS + 5_000, () => appliedAt > 0 && Date.now() > appliedAt + LATE_ANSWER_MS + 200);
    expect(stack.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/experience/xp/add')).map((r) => r.status)).toEqual([null]);
  });
});

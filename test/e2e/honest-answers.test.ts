/**
 * Honest answers under faults, against the real bot process: a change that was made is never
 * followed by "send it again" when Discord refuses the answer, and a restart gives every command
 * still running a last word that says whether its change may have been applied.
 * The two suites have a stack each and run side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage, VisibleReply } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { bindChicago, startStack, waitFor, type Stack } from '../support/bot-process.js';

const main = FIXTURE_IDS.campaigns.main;
const ids = FIXTURE_IDS.users;
const INVITES_RESEND = /send (it )?again|went wrong/i;

describe.concurrent('a change whose answer Discord refuses', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    await bindChicago(stack, { ...MAIN_CAMPAIGN_AS_DEFAULT, auditChannelId: stack.guild.defaultChannelId });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const balance = (userId: string) => stack.fake.store.getExperience(userId, main)?.xp_current ?? 0;
  const everythingShown = (): SimMessage[] => [
    ...stack.sim.channelMessages(stack.guild.defaultChannelId),
    ...Object.values(stack.users).flatMap((user) => stack.sim.dmMessages(user.id)),
  ];

  it('is made once, never answered with "send again", and its answer reaches the channel through the queue (5 of 5)', async () => {
    const grants = 5;
    const before = balance(ids.mara.id);
    // Every initial response fails (a deferral too, when the machine is slow enough for one), as when Discord is down.
    stack.sim.faults.inject({ method: 'POST', path: /^\/interactions\/\d+\/[^/]+\/callback$/, status: 500, times: 1_000 });
    const reasons = Array.from({ length: grants }, (_, n) => `Refused answer ${n + 1}`);
    const handles = await Promise.all(
      reasons.map((reason) =>
        stack.sim.slashCommand({ user: stack.users.celeste, guildId: stack.guild.id, command: 'xp', subcommand: 'add', options: { user: stack.users.mara.id, amount: 2, reason } }),
      ),
    );
    const naming = (reason: string) => (m: SimMessage) => m.embeds.some((e) => e.fields?.some((f) => f.value === reason));
    for (const reason of reasons) {
      const handedOver = await stack.sim.waitForMessage({
        channelId: stack.guild.defaultChannelId,
        predicate: (m) => m.content.includes('went through') && naming(reason)(m),
        timeoutMs: 30_000,
      });
      expect(handedOver.content).toContain(`<@${stack.users.celeste.id}> Your \`/xp add\` went through, but Discord did not let me show the answer in time.`);
      expect(handedOver.embeds[0]?.title).toContain('+2 XP');
      // The audit record is posted as well, so two messages name the reason.
      await waitFor('the audit record', 30_000, () => stack.sim.channelMessages(stack.guild.defaultChannelId).filter(naming(reason)).length === 2);
    }
    // Handing the answer over is the router's last step, so by now any other answer would have been sent.
    for (const handle of handles) {
      expect(handle.original).toBeUndefined();
      expect(handle.followUps).toHaveLength(0);
    }
    stack.sim.faults.clear();
    expect(balance(ids.mara.id)).toBe(before + 2 * grants);
    expect(stack.fake.countRequests({ method: 'POST', path: `/api/v1/companies/${FIXTURE_IDS.companies.chicago}/users/${ids.mara.id}/experience/xp/add` })).toBe(grants);
    expect(everythingShown().filter((m) => INVITES_RESEND.test(m.content))).toEqual([]);
  }, 90_000);
});

describe.concurrent('a restart while commands are running', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    await bindChicago(stack, MAIN_CAMPAIGN_AS_DEFAULT);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const xpAddPath = (userId: string) => `/api/v1/companies/${FIXTURE_IDS.companies.chicago}/users/${userId}/experience/xp/add`;

  it('tells every command still running what became of it: maybe applied for writes in flight, nothing changed for the rest', async () => {
    // Warm the identity cache, so the only slow step of each command is the one made slow below.
    for (const user of ['celeste', 'mara'] as const) {
      const warm = await stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command: 'xp', subcommand: 'show' });
      expect((await warm.reply()).content).not.toMatch(INVITES_RESEND);
    }
    const targets = ['mara', 'bastien', 'viktor'] as const;
    for (const target of targets) {
      stack.fake.faults.inject({ kind: 'latency', ms: 30_000, method: 'POST', path: xpAddPath(ids[target].id) });
    }
    stack.fake.faults.inject({ kind: 'latency', ms: 30_000, method: 'GET', path: `/companies/${FIXTURE_IDS.companies.chicago}/users/${ids.mara.id}`, times: 2 });

    const writes = await Promise.all(
      targets.map((target) =>
        stack.sim.slashCommand({ user: stack.users.celeste, guildId: stack.guild.id, command: 'xp', subcommand: 'add', options: { user: stack.users[target].id, amount: 3 } }),
      ),
    );
    const reads = await Promise.all(
      (['mara', 'celeste'] as const).map((user) =>
        stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command: 'xp', subcommand: 'show', options: { user: stack.users.mara.id } }),
      ),
    );
    await waitFor('the writes and reads to reach Valentina', 10_000, () =>
      targets.every((target) => stack.fake.countRequests({ method: 'POST', path: xpAddPath(ids[target].id) }) === 1) &&
      stack.fake.countRequests({ method: 'GET', path: `/api/v1/companies/${FIXTURE_IDS.companies.chicago}/users/${ids.mara.id}` }) >= 2,
    );

    const exit = await stack.bot.stop('SIGTERM');
    expect(exit.code).toBe(0);

    const answers: VisibleReply[] = await Promise.all([...writes, ...reads].map((handle) => handle.reply({ timeoutMs: 5_000 })));
    for (const answer of answers.slice(0, writes.length)) {
      expect(answer.ephemeral).toBe(true);
      expect(answer.content).toBe(
        'The bot restarted while Valentina was working on your command, so the change may or may not have been applied. Check with `/xp show` before you send it again.',
      );
    }
    for (const answer of answers.slice(writes.length)) {
      expect(answer.ephemeral).toBe(true);
      // Nothing typed to hand back here (no free text): the command is short enough to type again.
      expect(answer.content).toBe('The bot restarted before your command finished, so nothing was changed. Send it again in a few seconds.');
    }
    stack.fake.faults.clear();
  });
});

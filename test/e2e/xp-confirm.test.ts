/** Large grants and grants to yourself ask first: a private Confirm/Cancel step only the granter can use. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuildBinding } from '../../src/identity/guild-binding.js';
import { createKeyspace } from '../../src/keyspace.js';
import type { OptionValue, SimMessage } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { bindChicago, startStack, type Stack } from '../support/bot-process.js';

const main = FIXTURE_IDS.campaigns.main;
const ids = FIXTURE_IDS.users;

describe('grants that ask first', () => {
  let stack: Stack;
  let binding: GuildBinding;

  beforeAll(async () => {
    stack = await startStack();
    binding = await bindChicago(stack, { ...MAIN_CAMPAIGN_AS_DEFAULT, auditChannelId: stack.guild.defaultChannelId });
  });
  afterAll(async () => {
    await stack?.close();
  });

  type Name = keyof Stack['users'];
  const run = (user: Name, command: 'xp' | 'cp', options: Record<string, OptionValue>) =>
    stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command, subcommand: 'add', options }).then((ix) => ix.reply());
  const idOf = (prompt: { message: SimMessage }, label: string) =>
    prompt.message.components.flatMap((row) => row.components ?? []).find((c) => c.label === label)!.custom_id!;
  const click = (user: Name, prompt: { message: SimMessage }, label: string) =>
    stack.sim.clickButton({ user: stack.users[user], guildId: stack.guild.id, message: prompt.message, customId: idOf(prompt, label) });
  const balance = (userId: string) => stack.fake.store.getExperience(userId, main)?.xp_current ?? 0;
  const grants = () => stack.fake.countRequests({ method: 'POST', path: /\/experience\/(xp|cp)\/add$/ });
  const isAudit = (reason: string) => (m: SimMessage) => m.interactionId === null && m.embeds.some((e) => e.fields?.some((f) => f.value === reason));

  it('goes through at once up to the thresholds (10 XP, 2 cool points)', async () => {
    expect(binding).toMatchObject({ xpConfirmAbove: 10, cpConfirmAbove: 2 });
    expect((await run('celeste', 'xp', { user: stack.users.mara.id, amount: 10 })).ephemeral).toBe(false);
    expect((await run('celeste', 'cp', { user: stack.users.mara.id, amount: 2 })).ephemeral).toBe(false);
  });

  it('asks above the threshold, changing nothing until confirmed; Cancel changes nothing', async () => {
    const before = { xp: balance(ids.mara.id), posts: grants() };
    const prompt = await run('celeste', 'xp', { user: stack.users.mara.id, amount: 15 });
    expect(prompt.ephemeral).toBe(true);
    expect(prompt.content).toContain(`Give <@${stack.users.mara.id}> **15 XP** in *Requiem for the Loop*? This asks first because it is more than 10 XP.`);
    expect(prompt.content).toMatch(/Only you can confirm\. The buttons expire <t:\d+:R> \(5 minutes\)/);
    const cpPrompt = await run('celeste', 'cp', { user: stack.users.mara.id, amount: 3 });
    expect(cpPrompt.content).toContain('This asks first because it is more than 2 cool points.');

    const cancelled = await (await click('celeste', prompt, 'Cancel')).reply();
    expect(cancelled.content).toBe(`Cancelled: <@${stack.users.mara.id}> did not get 15 XP. Nothing was changed.`);
    expect(cancelled.components).toEqual([]);
    expect({ xp: balance(ids.mara.id), posts: grants() }).toEqual(before);
  });

  it('grants exactly once when Confirm is clicked twice at once, with one public record', async () => {
    const before = balance(ids.mara.id);
    const prompt = await run('celeste', 'xp', { user: stack.users.mara.id, amount: 25, reason: 'Double click' });
    const [first, second] = await Promise.all([click('celeste', prompt, 'Give 25 XP'), click('celeste', prompt, 'Give 25 XP')]);
    const replies = await Promise.all([first.reply(), second.reply()]);
    const granted = replies.filter((r) => !r.ephemeral);
    const refused = replies.filter((r) => r.ephemeral);
    expect(granted).toHaveLength(1);
    expect(granted[0]!.embeds[0]?.title).toBe('+25 XP for Mara');
    expect(refused.map((r) => r.content)).toEqual(['This grant was already confirmed — nothing more to do here.']);
    expect(balance(ids.mara.id)).toBe(before + 25);
    await stack.sim.waitForMessage({ channelId: binding.auditChannelId!, predicate: isAudit('Double click'), timeoutMs: 10_000 });
    expect(stack.sim.channelMessages(binding.auditChannelId!).filter(isAudit('Double click'))).toHaveLength(1);
    // The write carries the key of the original command, as it would have without the step.
    const post = stack.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/experience/xp/add')).at(-1)!;
    expect(post.headers['idempotency-key']).toMatch(/^\d+:xp-add$/);
  });

  it('keeps the buttons working when another change held the record all the while, then grants once', { timeout: 60_000 }, async () => {
    const lock = createKeyspace(stack.redis.prefix).experience.lock(FIXTURE_IDS.companies.chicago, ids.mara.id, main);
    await stack.redis.client.set(lock, 'another-change', 'PX', 60_000);
    const before = { xp: balance(ids.mara.id), posts: grants() };
    const prompt = await run('celeste', 'xp', { user: stack.users.mara.id, amount: 12, reason: 'Held then given' });
    const refused = await (await click('celeste', prompt, 'Give 12 XP')).reply({ timeoutMs: 30_000 });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('Another change to this player’s experience in this campaign is still going through, so nothing was changed. Press **Give 12 XP** again in a moment.');
    expect({ xp: balance(ids.mara.id), posts: grants() }).toEqual(before);

    await stack.redis.client.del(lock);
    const granted = await (await click('celeste', prompt, 'Give 12 XP')).reply();
    expect(granted.embeds[0]?.title).toBe('+12 XP for Mara');
    expect({ xp: balance(ids.mara.id), posts: grants() }).toEqual({ xp: before.xp + 12, posts: before.posts + 1 });
  });

  it("refuses someone else's click and still lets the granter confirm", async () => {
    const before = balance(ids.bastien.id);
    const prompt = await run('celeste', 'cp', { user: stack.users.bastien.id, amount: 5 });
    const stranger = await (await click('viktor', prompt, 'Give 5 cool points')).reply();
    expect(stranger.ephemeral).toBe(true);
    expect(stranger.content).toBe(`Only <@${stack.users.celeste.id}>, who asked for this grant, can confirm or cancel it.`);
    expect(balance(ids.bastien.id)).toBe(before);
    const confirmed = await (await click('celeste', prompt, 'Give 5 cool points')).reply();
    expect(confirmed.ephemeral).toBe(false);
    expect(balance(ids.bastien.id)).toBe(before + 50);
  });

  it('asks for any grant to yourself, and says so when the step expired', async () => {
    const before = balance(ids.celeste.id);
    const prompt = await run('celeste', 'xp', { user: stack.users.celeste.id, amount: 1 });
    expect(prompt.ephemeral).toBe(true);
    expect(prompt.content).toContain('This asks first because it is a grant to yourself.');
    // Five minutes later the waiting request is gone from Redis.
    const interactionId = /\|(\d+)$/.exec(prompt.message.components[0]!.components![0]!.custom_id!)![1]!;
    expect(await stack.redis.client.del(`${stack.redis.prefix}:xp-confirm:${interactionId}`)).toBe(1);
    const expired = await (await click('celeste', prompt, 'Give 1 XP')).reply();
    expect(expired.content).toBe('This confirmation expired after 5 minutes, so nothing was changed. Run the command again.');
    expect(balance(ids.celeste.id)).toBe(before);
  });
});

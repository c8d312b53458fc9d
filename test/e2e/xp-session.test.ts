/**
 * `/xp session` end to end: the members in a voice channel (or with a role) on a private panel, the
 * unlinked ones skipped with why, members left out with the select menu, one Confirm, and every grant
 * made exactly once — also when the bot process is killed (SIGKILL) halfway through the award and
 * restarted: the balances in the fake are counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionHandle, SimChannel, SimMessage, SimUser, VisibleReply } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { createKeyspace } from '../../src/keyspace.js';
import { createXpSessionQueue, sessionJobId } from '../../src/experience/session-run.js';
import { bindChicago, startStack, waitFor, type Stack } from '../support/bot-process.js';
import { expireLocksOfKilledProcess } from '../support/queues.js';

const { chicago } = FIXTURE_IDS.companies;
const main = FIXTURE_IDS.campaigns.main;
const NEWCOMERS = ['lena', 'jonas', 'ruth', 'silas', 'theo'] as const;

describe('/xp session', () => {
  let stack: Stack;
  let voice: SimChannel;
  /** Linked players at the table (Valentina user id by Discord user), and one Discord user who never linked. */
  const players = new Map<string, string>();
  let drifter: SimUser;
  const table: SimUser[] = [];

  beforeAll(async () => {
    stack = await startStack({ sim: { serverMembersIntent: true } });
    await bindChicago(stack, { ...MAIN_CAMPAIGN_AS_DEFAULT, auditChannelId: stack.guild.defaultChannelId });
    voice = stack.sim.addChannel(stack.guild.id, { name: 'Session', type: 2 });
    for (const [name, id] of [['mara', FIXTURE_IDS.users.mara.id], ['bastien', FIXTURE_IDS.users.bastien.id]] as const) {
      players.set(stack.users[name].id, id);
      table.push(stack.users[name]);
    }
    NEWCOMERS.forEach((name, index) => {
      const discordId = `77700000000000020${index}`;
      const profile = { id: discordId, username: name, global_name: null, avatar_id: null, discriminator: '0', email: `${name}@example.com`, verified: true };
      const user = stack.fake.store.createUser({ company_id: chicago, username: name, email: `${name}@example.com`, role: 'PLAYER', discord_profile: profile });
      const member = stack.sim.addUser({ id: discordId, username: name, globalName: name[0]!.toUpperCase() + name.slice(1) });
      stack.sim.addMember(stack.guild.id, member.id);
      players.set(member.id, user.id);
      table.push(member);
    });
    drifter = stack.sim.addUser({ id: '777000000000000299', username: 'drifter', globalName: 'Drifter' });
    stack.sim.addMember(stack.guild.id, drifter.id);
    table.push(drifter);
    for (const member of table) stack.sim.setVoiceChannel(stack.guild.id, member.id, voice.id);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const balance = (userId: string) => stack.fake.store.getExperience(userId, main)?.xp_current ?? 0;
  const balances = () => new Map([...players].map(([discordId, userId]) => [discordId, balance(userId)]));
  const grantRequests = () => stack.fake.countRequests({ method: 'POST', path: /\/experience\/xp\/add$/ });
  const description = (reply: { embeds: SimMessage['embeds'] }) => reply.embeds[0]?.description ?? '';
  const components = (message: SimMessage) => message.components.flatMap((row) => row.components ?? []);
  const confirmButton = (message: SimMessage) => components(message).find((c) => c.type === 2)!;

  const openPanel = (user: SimUser, options: Record<string, string | number>): Promise<VisibleReply> =>
    stack.sim.slashCommand({ user, guildId: stack.guild.id, command: 'xp', subcommand: 'session', options }).then((ix) => ix.reply({ timeoutMs: 20_000 }));
  const confirm = (panel: VisibleReply) =>
    stack.sim.clickButton({ user: stack.users.celeste, guildId: stack.guild.id, message: panel.message, customId: confirmButton(panel.message).custom_id! });
  /** The panel once the award is done (its summary), however many progress edits came before. */
  const summaryOf = async (click: InteractionHandle, timeoutMs: number) => {
    await waitFor('the session summary', timeoutMs, () => click.original?.embeds[0]?.title?.startsWith('Session award done') ?? false);
    return click.original!;
  };
  const isRecord = (reason: string) => (m: SimMessage) => m.interactionId === null && m.embeds.some((e) => e.fields?.some((f) => f.value === reason));

  it('grants each linked member once, skips the one who never linked and says why, and posts one public record', { timeout: 60_000 }, async () => {
    const before = balances();
    const requests = grantRequests();
    const panel = await openPanel(stack.users.celeste, { amount: 5, voice_channel: voice.id, reason: 'Session 12' });
    expect(panel.ephemeral).toBe(true);
    expect(description(panel)).toContain('**Will get 5 XP (7)**');
    expect(description(panel)).toContain(`<@${drifter.id}> hasn't linked a Valentina account (\`/link\`)`);
    expect(confirmButton(panel.message).label).toBe('Grant 5 XP to 7 members');

    const click = await confirm(panel);
    const summary = await summaryOf(click, 45_000);
    expect(summary.embeds[0]!.title).toBe('Session award done: 7 members granted');
    expect(summary.embeds[0]!.description).toContain('**Granted 5 XP (7)**');
    expect(summary.embeds[0]!.description).toContain(`**Skipped (1)**\n• <@${drifter.id}> hasn't linked a Valentina account`);
    expect(summary.components).toEqual([]);

    for (const [discordId, xp] of balances()) expect({ discordId, xp }).toEqual({ discordId, xp: before.get(discordId)! + 5 });
    expect(grantRequests() - requests).toBe(7);
    const record = await stack.sim.waitForMessage({ channelId: stack.guild.defaultChannelId, predicate: isRecord('Session 12'), timeoutMs: 15_000 });
    expect(record.embeds[0]!.title).toBe('Session award: +5 XP for 7 players');
    expect(record.embeds[0]!.description).toContain(`<@${stack.users.celeste.id}> gave **5 XP** each`);
    expect(record.embeds[0]!.description).not.toContain(drifter.id);
  });

  it('leaves out the members picked in the select menu', { timeout: 60_000 }, async () => {
    const before = balances();
    const panel = await openPanel(stack.users.celeste, { amount: 2, voice_channel: voice.id, reason: 'Short session' });
    const select = components(panel.message).find((c) => c.type === 3)!;
    const out = [stack.users.mara.id, table[3]!.id];
    const picked = await stack.sim.selectMenu({ user: stack.users.celeste, guildId: stack.guild.id, message: panel.message, customId: select.custom_id!, values: out });
    await waitFor('the panel to show the members left out', 15_000, () => picked.original?.embeds[0]?.description?.includes('**Left out (2)**') ?? false);
    const updated = picked.original!;
    expect(updated.embeds[0]!.description).toContain('**Will get 2 XP (5)**');
    expect(updated.embeds[0]!.description).toContain(`**Left out (2)**`);
    expect(confirmButton(updated).label).toBe('Grant 2 XP to 5 members');

    const summary = await summaryOf(await confirm({ ...panel, message: updated }), 45_000);
    expect(summary.embeds[0]!.title).toBe('Session award done: 5 members granted');
    for (const [discordId, xp] of balances()) {
      const expected = before.get(discordId)! + (out.includes(discordId) ? 0 : 2);
      expect({ discordId, xp }).toEqual({ discordId, xp: expected });
    }
  });

  it('resumes after the bot is killed (SIGKILL) halfway, granting each member exactly once', { timeout: 120_000 }, async () => {
    const before = balances();
    const requests = grantRequests();
    const panel = await openPanel(stack.users.celeste, { amount: 3, voice_channel: voice.id, reason: 'Crash session' });
    let applied = 0;
    let killed: Promise<unknown> | undefined;
    // Each grant is answered a while after it is applied; the fourth is applied, then the bot dies before its
    // answer (SIGKILL is sent before the wait starts, so the answer finds the connection gone).
    stack.fake.faults.inject({
      kind: 'latency-after-apply',
      ms: 300,
      method: 'POST',
      path: /\/experience\/xp\/add$/,
      times: 7,
      afterApply: () => {
        applied += 1;
        if (applied === 4) killed = stack.bot.stop('SIGKILL');
      },
    });
    const click = await confirm(panel);
    await waitFor('the bot to be killed mid-award', 60_000, () => killed !== undefined);
    const exit = (await killed) as { signal: string | null };
    expect(exit.signal).toBe('SIGKILL');
    const midway = balances();
    const grantedBeforeCrash = [...midway].filter(([id, xp]) => xp === before.get(id)! + 3).length;
    expect(grantedBeforeCrash).toBe(4);

    // The checkpoint names the member whose grant was cut off: sent, its answer never heard.
    const keys = createKeyspace(stack.redis.prefix);
    const interactionId = panel.message.interactionId!;
    const checkpoint = Object.entries(await stack.redis.client.hgetall(keys.experience.sessionResults(interactionId)));
    const statusOf = (raw: string) => (JSON.parse(raw) as { status: string }).status;
    expect(checkpoint.map(([, raw]) => statusOf(raw)).sort()).toEqual(['granted', 'granted', 'granted', 'sending']);
    const cutOff = checkpoint.find(([, raw]) => statusOf(raw) === 'sending')![0];
    // What the dead process held runs out by itself within 15 s: the award job's lock (then the next worker
    // takes the job over) and the cut-off member's record lock. Both are run out now instead of waited for.
    const jobId = sessionJobId(interactionId);
    const recordLock = keys.experience.lock(chicago, players.get(cutOff)!, main);
    const queue = createXpSessionQueue(stack.redis.client, keys.queuePrefix);
    try {
      for (const key of [`${queue.toKey(jobId)}:lock`, recordLock]) {
        const left = await stack.redis.client.pttl(key);
        expect({ key, held: left > 0 && left <= 15_000 }).toEqual({ key, held: true });
      }
      expect(await expireLocksOfKilledProcess(queue, stack.redis.client)).toEqual([jobId]);
    } finally {
      await queue.close();
    }
    await stack.redis.client.pexpire(recordLock, 1);

    await stack.bot.restart();
    const summary = await summaryOf(click, 90_000);
    expect(summary.embeds[0]!.title).toBe('Session award done: 7 members granted');
    for (const [discordId, xp] of balances()) expect({ discordId, xp }).toEqual({ discordId, xp: before.get(discordId)! + 3 });
    // The interrupted grant was sent again after the restart, with the same key: replayed, not applied twice.
    expect(grantRequests() - requests).toBe(8);
    stack.fake.faults.clear();
  });

  it('does not re-send a grant cut off longer ago than Valentina keeps its answer, and says to check it', { timeout: 60_000 }, async () => {
    const before = balances();
    const panel = await openPanel(stack.users.celeste, { amount: 4, voice_channel: voice.id });
    // As if the bot had died two hours ago while sending Mara's grant, and nothing had run the award since.
    const results = `${stack.redis.prefix}:xp-session:${panel.message.interactionId!}:results`;
    await stack.redis.client.hset(results, stack.users.mara.id, JSON.stringify({ status: 'sending', at: Date.now() - 2 * 3600_000 }));
    const summary = await summaryOf(await confirm(panel), 45_000);
    expect(summary.embeds[0]!.title).toBe('Session award done: 6 granted, 1 failed');
    expect(summary.embeds[0]!.description).toContain(`• <@${stack.users.mara.id}> — the bot stopped while granting this, too long ago to send it again safely`);
    for (const [discordId, xp] of balances()) {
      expect({ discordId, xp }).toEqual({ discordId, xp: before.get(discordId)! + (discordId === stack.users.mara.id ? 0 : 4) });
    }
  });

  it('lists the members with a role, and names a grant Valentina refused with its request id', { timeout: 60_000 }, async () => {
    const role = stack.sim.addRole(stack.guild.id, { name: 'Coterie' });
    for (const user of [stack.users.mara, stack.users.bastien, drifter]) stack.sim.addMemberRole(stack.guild.id, user.id, role.id);
    const before = balances();
    const panel = await openPanel(stack.users.celeste, { amount: 1, role: role.id });
    expect(description(panel)).toContain(`Members of <@&${role.id}>.`);
    expect(description(panel)).toContain('**Will get 1 XP (2)**');
    expect(description(panel)).toContain(`<@${drifter.id}> hasn't linked`);

    // Bastien comes first (by name): his write is refused.
    stack.fake.faults.inject({ kind: 'status', status: 409, method: 'POST', path: /\/experience\/xp\/add$/ });
    const summary = await summaryOf(await confirm(panel), 45_000);
    expect(summary.embeds[0]!.title).toBe('Session award done: 1 granted, 1 failed');
    expect(summary.embeds[0]!.description).toMatch(
      new RegExp(`\\*\\*Failed \\(1\\)\\*\\*\\n• <@${stack.users.bastien.id}> — Valentina reports a conflict: Injected fault: status 409 \\(request req_[A-Za-z0-9_-]+\\)`),
    );
    expect(balance(FIXTURE_IDS.users.bastien.id)).toBe(before.get(stack.users.bastien.id));
    expect(balance(FIXTURE_IDS.users.mara.id)).toBe(before.get(stack.users.mara.id)! + 1);
  });

  it('grants a member whose record another change holds past the wait once it is free, not reporting it failed', { timeout: 90_000 }, async () => {
    const role = stack.sim.addRole(stack.guild.id, { name: 'Held' });
    for (const user of [stack.users.mara, stack.users.bastien]) stack.sim.addMemberRole(stack.guild.id, user.id, role.id);
    const before = balances();
    const requests = grantRequests();
    const panel = await openPanel(stack.users.celeste, { amount: 1, role: role.id, reason: 'Held record' });
    // Another change (another bot process's) holds Bastien's record for longer than a grant waits for it (5 s).
    const lock = createKeyspace(stack.redis.prefix).experience.lock(chicago, FIXTURE_IDS.users.bastien.id, main);
    await stack.redis.client.set(lock, 'another-change', 'PX', 60_000);
    const click = await confirm(panel);
    const release = setTimeout(() => void stack.redis.client.del(lock), 7_000);
    try {
      const summary = await summaryOf(click, 60_000);
      expect(summary.embeds[0]!.title).toBe('Session award done: 2 members granted');
    } finally {
      clearTimeout(release);
      await stack.redis.client.del(lock);
    }
    expect(balance(FIXTURE_IDS.users.bastien.id)).toBe(before.get(stack.users.bastien.id)! + 1);
    expect(balance(FIXTURE_IDS.users.mara.id)).toBe(before.get(stack.users.mara.id)! + 1);
    expect(grantRequests() - requests).toBe(2);
  });

  it('uses the voice channel the storyteller is in, with the storyteller left out at first', { timeout: 30_000 }, async () => {
    const nowhere = await openPanel(stack.users.celeste, { amount: 1 });
    expect(nowhere.ephemeral).toBe(true);
    expect(nowhere.content).toContain("You're not in a voice channel.");
    stack.sim.setVoiceChannel(stack.guild.id, stack.users.celeste.id, voice.id);
    try {
      const panel = await openPanel(stack.users.celeste, { amount: 1 });
      expect(description(panel)).toContain(`Members of <#${voice.id}>.`);
      expect(description(panel)).toContain('**Will get 1 XP (7)**');
      expect(description(panel)).toContain(`**Left out (1)**\n<@${stack.users.celeste.id}>`);
    } finally {
      stack.sim.setVoiceChannel(stack.guild.id, stack.users.celeste.id, null);
    }
  });

  it('refuses a player under the STORYTELLER setting before showing any panel', async () => {
    const before = balances();
    const requests = grantRequests();
    const reply = await openPanel(stack.users.mara, { amount: 5, voice_channel: voice.id });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('Only storytellers can grant XP in this company');
    expect(reply.components).toEqual([]);
    expect(balances()).toEqual(before);
    expect(grantRequests()).toBe(requests);
  });
});

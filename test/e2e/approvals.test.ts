/** Approval requests end to end: posted once through the queue, decided by admins with one click. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalQueue } from '../../src/approvals/queue.js';
import { denyId } from '../../src/approvals/message.js';
import { createQueueConnection } from '../../src/queue/connection.js';
import type { SimMessage, SimUser } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { bindChicago, SIM_BOT_TOKEN, startStack, type Stack } from '../support/bot-process.js';
import { createKeyspace } from '../../src/keyspace.js';
import { waitForIdleQueues } from '../support/queues.js';

const { chicago, anarch } = FIXTURE_IDS.companies;

describe('approvals', () => {
  let stack: Stack;
  let channelId: string;
  let queue: ApprovalQueue;
  let connection: Redis;

  beforeAll(async () => {
    stack = await startStack();
    channelId = stack.guild.defaultChannelId;
    await bindChicago(stack, { approvalsChannelId: channelId });
    connection = createQueueConnection(stack.redis.url);
    queue = new ApprovalQueue(connection, createKeyspace(stack.redis.prefix).queuePrefix);
  });
  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await stack?.close();
  });

  const requestFor = (discordId: string) =>
    stack.sim.channelMessages(channelId).filter((m) => m.embeds[0]?.fields?.some((f) => f.value.includes(`<@${discordId}>`)));
  const waitForRequest = async (discordId: string): Promise<SimMessage> => {
    await expect.poll(() => requestFor(discordId).length, { timeout: 15_000 }).toBeGreaterThan(0);
    return requestFor(discordId)[0]!;
  };
  const buttonId = (message: SimMessage, label: string) =>
    message.components.flatMap((row) => row.components ?? []).find((c) => c.label === label)!.custom_id!;
  /** A new Discord user links through the browser and Valentina creates them, waiting for approval. */
  const newcomer = async (username: string): Promise<SimUser> => {
    const user = stack.sim.addUser({ username, email: `${username}@example.net`, verified: true });
    stack.sim.addMember(stack.guild.id, user.id);
    const reply = await (await stack.sim.slashCommand({ user, guildId: stack.guild.id, command: 'link' })).reply();
    const url = (reply.components[0] as { components: Array<{ url: string }> }).components[0]!.url;
    const page = await fetch(stack.sim.oauth.authorize({ userId: user.id, url }));
    expect(await page.text()).toContain('Account created');
    return user;
  };
  const reconcileNow = async () => {
    await queue.queue.add('reconcile', {});
  };
  const metrics = async () => (await fetch(`${stack.bot.opsUrl}/metrics`)).text();
  const valentinaUser = (username: string) => stack.fake.store.companyUsers(chicago).find((u) => u.username === username);

  it('posts the request of a newly created account once, however often it is enqueued', async () => {
    const ghoul = await newcomer('ghoulfriend');
    const request = await waitForRequest(ghoul.id);
    const userId = valentinaUser('ghoulfriend')!.id;
    for (let i = 0; i < 3; i += 1) await queue.enqueue({ companyId: chicago, userId });
    await waitForIdleQueues(connection, stack.redis.prefix); // every enqueued job ran
    expect(requestFor(ghoul.id)).toHaveLength(1);
    expect(request.embeds[0]!.title).toContain('Chicago by Night');
    expect(request.embeds[0]!.fields?.some((f) => f.name === 'Email')).toBe(false);
  });

  it('lets an admin approve as player: the message shows it, the player gets a DM and can act', async () => {
    const discordId = valentinaUser('ghoulfriend')!.discord_profile!.id;
    const request = requestFor(discordId)[0]!;
    const click = await stack.sim.clickButton({ user: stack.users.viktor, guildId: stack.guild.id, message: request, customId: buttonId(request, 'Approve as player') });
    const updated = await click.reply();
    expect(updated.components).toEqual([]);
    expect(updated.embeds[0]!.description).toContain('Approved as player by');
    expect(valentinaUser('ghoulfriend')!.role).toBe('PLAYER');
    const dm = await stack.sim.waitForMessage({ dmUserId: discordId, timeoutMs: 10_000 });
    expect(dm.content).toContain('approved as a player');
    const whoami = await (await stack.sim.slashCommand({ user: discordId, guildId: stack.guild.id, command: 'whoami' })).reply();
    expect(whoami.embeds[0]!.fields?.[1]?.value).toBe('Player');
  });

  it('finishes a decision Valentina made but answered 500 to, from the applicant read fresh, without deciding twice', async () => {
    const lost = await newcomer('lost-answer');
    const request = await waitForRequest(lost.id);
    stack.fake.clearRequests();
    stack.fake.faults.inject({ kind: 'apply-then-status', status: 500, method: 'POST', path: /\/approve$/ });
    const click = await stack.sim.clickButton({ user: stack.users.viktor, guildId: stack.guild.id, message: request, customId: buttonId(request, 'Approve as player') });
    const updated = await click.reply();
    expect(updated.embeds[0]!.description).toContain('Approved as player by');
    expect(valentinaUser('lost-answer')!.role).toBe('PLAYER');
    expect(stack.fake.countRequests({ method: 'POST', path: /\/approve$/ })).toBe(1);
  });

  it('refuses storytellers and players, and changes nothing', async () => {
    const vamp = await newcomer('fledgling');
    const request = await waitForRequest(vamp.id);
    for (const who of [stack.users.celeste, stack.users.mara]) {
      const click = await stack.sim.clickButton({ user: who, guildId: stack.guild.id, message: request, customId: buttonId(request, 'Approve as player') });
      const reply = await click.reply();
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toContain('Only admins');
    }
    expect(valentinaUser('fledgling')!.role).toBe('UNAPPROVED');
  });

  it('denies, and refuses a button made for another company', async () => {
    const message = await waitForRequest(valentinaUser('fledgling')!.discord_profile!.id);
    // A button carrying another company's request, as a message from another server's binding would.
    const foreignId = denyId.encode({ c: anarch, u: valentinaUser('fledgling')!.id });
    const rest = new REST({ api: stack.sim.apiUrl, version: '10' }).setToken(SIM_BOT_TOKEN);
    const posted = (await rest.post(Routes.channelMessages(channelId), {
      body: { content: 'request', components: [{ type: 1, components: [{ type: 2, style: 4, label: 'Deny', custom_id: foreignId }] }] },
    })) as { id: string };
    const carrier = stack.sim.channelMessages(channelId).find((m) => m.id === posted.id)!;
    const forged = await stack.sim.clickButton({ user: stack.users.viktor, guildId: stack.guild.id, message: carrier, customId: foreignId });
    expect((await forged.reply()).content).toContain('another company');
    const click = await stack.sim.clickButton({ user: stack.users.viktor, guildId: stack.guild.id, message, customId: buttonId(message, 'Deny') });
    expect((await click.reply()).embeds[0]!.description).toContain('Denied by');
    expect(valentinaUser('fledgling')).toBeUndefined();
  });

  it('merges a newcomer into an account without Discord: the account is now theirs', async () => {
    const ines = await newcomer('ines-on-discord');
    const request = await waitForRequest(ines.id);
    const select = request.components.flatMap((row) => row.components ?? []).find((c) => c.type === 3)!;
    const click = await stack.sim.selectMenu({ user: stack.users.viktor, guildId: stack.guild.id, message: request, customId: select.custom_id!, values: [FIXTURE_IDS.users.ines.id] });
    const updated = await click.reply();
    expect(updated.embeds[0]!.description).toContain('Merged into **ines** by');
    expect(updated.components).toEqual([]);
    expect(valentinaUser('ines-on-discord')).toBeUndefined();
    expect(stack.fake.store.getUser(FIXTURE_IDS.users.ines.id)!.discord_profile?.id).toBe(ines.id);
    const dm = await stack.sim.waitForMessage({ dmUserId: ines.id, timeoutMs: 10_000 });
    expect(dm.content).toContain('linked to your existing Valentina account **ines**');
    const whoami = await (await stack.sim.slashCommand({ user: ines, guildId: stack.guild.id, command: 'whoami' })).reply();
    expect(JSON.stringify(whoami.embeds)).toContain(FIXTURE_IDS.users.ines.id);
    expect(whoami.embeds[0]!.fields?.[1]?.value).toBe('Player');
  });

  it('merges a duplicate into an account that already has Discord, and says this one stays unlinked', async () => {
    const twin = await newcomer('bastien-alt');
    const request = await waitForRequest(twin.id);
    const select = request.components.flatMap((row) => row.components ?? []).find((c) => c.type === 3)!;
    const click = await stack.sim.selectMenu({ user: stack.users.viktor, guildId: stack.guild.id, message: request, customId: select.custom_id!, values: [FIXTURE_IDS.users.bastien.id] });
    expect((await click.reply()).embeds[0]!.description).toContain('Merged into **bastien** (which keeps its own Discord account');
    expect(valentinaUser('bastien-alt')).toBeUndefined();
    const dm = await stack.sim.waitForMessage({ dmUserId: twin.id, timeoutMs: 10_000 });
    expect(dm.content).toContain('this Discord account is not linked');
  });

  it('updates a request whose user was approved elsewhere meanwhile', async () => {
    const early = await newcomer('approved-on-web');
    const request = await waitForRequest(early.id);
    stack.fake.store.updateUser(stack.fake.store.getUser(valentinaUser('approved-on-web')!.id)!, { role: 'PLAYER' });
    // Written past the API (another API key): Valentina's response cache would hide it for up to 60 s.
    stack.fake.flushResponseCache();
    const click = await stack.sim.clickButton({ user: stack.users.viktor, guildId: stack.guild.id, message: request, customId: buttonId(request, 'Deny') });
    const updated = await click.reply();
    expect(updated.embeds[0]!.description).toContain('already approved as player');
    expect(updated.components).toEqual([]);
    expect(valentinaUser('approved-on-web')!.role).toBe('PLAYER');
  });

  it('lets one of two admins win a simultaneous double click', async () => {
    const second = stack.sim.addUser({ username: 'vera', id: '888000000000000001' });
    stack.sim.addMember(stack.guild.id, second.id);
    stack.fake.store.createUser({
      company_id: chicago, username: 'vera', email: 'vera@example.com', role: 'ADMIN',
      discord_profile: { id: second.id, username: 'vera', global_name: null, avatar_id: null, discriminator: '0', email: 'vera@example.com', verified: true },
    });
    const late = await newcomer('latecomer');
    const request = await waitForRequest(late.id);
    const customId = buttonId(request, 'Approve as storyteller');
    const [a, b] = await Promise.all([
      stack.sim.clickButton({ user: stack.users.viktor, guildId: stack.guild.id, message: request, customId }),
      stack.sim.clickButton({ user: second, guildId: stack.guild.id, message: request, customId }),
    ]);
    const replies = await Promise.all([a.reply(), b.reply()]);
    const winners = replies.filter((r) => r.embeds[0]?.description?.includes('Approved as storyteller'));
    const losers = replies.filter((r) => r.ephemeral && /deciding this request right now|already decided/.test(r.content));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(valentinaUser('latecomer')!.role).toBe('STORYTELLER');
  });

  it('reconciliation posts users created elsewhere and closes requests settled elsewhere; staff can list who waits', async () => {
    const webUser = stack.fake.store.createUser({
      company_id: chicago, username: 'webapp-user', email: 'web@example.com', role: 'UNAPPROVED',
      discord_profile: { id: '888000000000000002', username: 'webapp-user', global_name: null, avatar_id: null, discriminator: '0', email: 'web@example.com', verified: true },
    });
    const stale = await newcomer('deleted-on-web');
    const staleRequest = await waitForRequest(stale.id);
    stack.fake.store.archiveUser(stack.fake.store.getUser(valentinaUser('deleted-on-web')!.id)!);
    stack.fake.flushResponseCache();
    await reconcileNow();
    await waitForRequest('888000000000000002');
    await waitForRequest(FIXTURE_IDS.users.nadia.discordId!);
    await expect.poll(() => stack.sim.channelMessages(channelId).find((m) => m.id === staleRequest.id)!.components, { timeout: 10_000 }).toEqual([]);
    expect(stack.sim.channelMessages(channelId).find((m) => m.id === staleRequest.id)!.embeds[0]!.description).toContain('No longer waiting');
    // Enqueued again by the next run: nothing new is posted.
    const before = stack.sim.channelMessages(channelId).length;
    await reconcileNow();
    await waitForIdleQueues(connection, stack.redis.prefix); // the run and whatever it enqueued are done
    expect(stack.sim.channelMessages(channelId)).toHaveLength(before);

    for (const who of [stack.users.viktor, stack.users.celeste]) {
      const pending = await (await stack.sim.slashCommand({ user: who, guildId: stack.guild.id, command: 'approvals', subcommand: 'pending' })).reply();
      expect(pending.ephemeral).toBe(true);
      expect(pending.embeds[0]!.description).toContain(webUser.username);
      expect(pending.embeds[0]!.description).toContain('request posted');
    }
    const refused = await (await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'approvals', subcommand: 'pending' })).reply();
    expect(refused.content).toContain('Only storytellers and admins');
  });

  it('keeps a request that cannot be posted in the failed list, counts it, and re-posts it on demand', async () => {
    stack.sim.setChannelPermissions(channelId, { botCanSend: false });
    const blocked = await newcomer('blocked-newcomer');
    await expect.poll(async () => (/^approval_requests_failed (\d+)/m.exec((await metrics())))?.[1], { timeout: 15_000 }).toBe('1');
    const pending = await (await stack.sim.slashCommand({ user: stack.users.celeste, guildId: stack.guild.id, command: 'approvals', subcommand: 'pending' })).reply();
    expect(pending.embeds[0]!.description).toMatch(/blocked-newcomer.*posting failed/);
    stack.sim.setChannelPermissions(channelId, { botCanSend: true });
    const repost = pending.components.flatMap((row) => row.components ?? []).find((c) => c.label === 'Re-post blocked-newcomer')!;
    const click = await stack.sim.clickButton({ user: stack.users.celeste, guildId: stack.guild.id, message: pending.message, customId: repost.custom_id! });
    expect((await click.reply()).content).toContain('will be posted again');
    await waitForRequest(blocked.id);
    expect(requestFor(blocked.id)).toHaveLength(1);
    await expect.poll(async () => (/^approval_requests_failed (\d+)/m.exec((await metrics())))?.[1], { timeout: 5_000 }).toBe('0');
    expect(await metrics()).toMatch(/^queue_depth\{queue="approvals"\} \d+/m);
    expect(stack.sim.violations).toEqual([]);
  });
});

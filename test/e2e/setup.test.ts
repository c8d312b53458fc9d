/**
 * Who may bind a server to a company, end to end: only a linked Valentina ADMIN of that company who
 * manages the server, decided by Valentina at that moment; a stranger's server never receives the
 * company's approval requests; running `/setup connect` again keeps what it was not given.
 */
import { REST } from '@discordjs/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { registerCommands } from '../../src/discord/register.js';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { createKeyspace } from '../../src/keyspace.js';
import type { SimGuild, SimUser } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { SIM_APPLICATION_ID, SIM_BOT_TOKEN, startStack, type Stack } from '../support/bot-process.js';

const { chicago, anarch, sabbat } = FIXTURE_IDS.companies;

describe('/setup: who may bind a company', () => {
  let stack: Stack;
  let bindings: GuildBindingStore;
  /** Servers of people who are not admins of Chicago by Night, each owned (so managed) by them. */
  let strangers: Array<{ owner: SimUser; guild: SimGuild }>;
  let rosa: SimUser;

  beforeAll(async () => {
    stack = await startStack();
    bindings = new GuildBindingStore(stack.redis.client, createKeyspace(stack.redis.prefix).identity);
    // Global commands, so /setup is offered in every server the bot is in, not only the stack's guild.
    await registerCommands({ rest: new REST({ api: stack.sim.apiUrl, version: '10' }).setToken(SIM_BOT_TOKEN), applicationId: SIM_APPLICATION_ID, commands, scope: { scope: 'global' } });
    rosa = stack.sim.addUser({ id: FIXTURE_IDS.users.rosa.discordId!, username: 'rosa' });
    const stranger = stack.sim.addUser({ username: 'stranger' });
    strangers = [stack.users.celeste, stack.users.mara, stack.users.nadia, stranger, rosa].map((owner) => ({
      owner,
      guild: stack.sim.addGuild({ name: `${owner.username}'s table`, ownerId: owner.id }),
    }));
  });
  afterAll(async () => {
    await stack?.close();
  });

  const connect = (user: SimUser, guildId: string, options: Record<string, string | number>) =>
    stack.sim.slashCommand({ user, guildId, command: 'setup', subcommand: 'connect', options }).then((ix) => ix.reply());
  const companyChoices = (user: SimUser, guildId: string, typed = '') =>
    stack.sim.autocomplete({ user, guildId, command: 'setup', subcommand: 'connect', options: { company: typed }, focused: 'company' });
  const field = (reply: { embeds: Array<{ fields?: Array<{ name: string; value: string }> }> }, name: string) =>
    reply.embeds[0]?.fields?.find((f) => f.name === name)?.value;

  it('refuses linked non-admins, unapproved and unlinked members, and binds nothing', async () => {
    const answers = [];
    for (const { owner, guild } of strangers) {
      const reply = await connect(owner, guild.id, { company: chicago, approvals_channel: guild.defaultChannelId });
      expect(reply.ephemeral).toBe(true);
      answers.push(reply.content);
    }
    const [celeste, mara, nadia, stranger, rosaAnswer] = answers;
    expect(celeste).toContain('Only an admin of **Chicago by Night** in Valentina can connect a server to it; you are a storyteller there');
    expect(mara).toContain('you are a player there');
    expect(nadia).toContain('you are waiting for approval there');
    expect(stranger).toContain("your Discord account isn't linked to Valentina yet. Run `/link`");
    expect(rosaAnswer).toContain("Your Valentina account isn't part of **Chicago by Night**");
    expect(await bindings.guildsForCompany(chicago)).toEqual([]);
    for (const { guild } of strangers) expect(await bindings.get(guild.id)).toBeNull();
  });

  it('offers only the companies the person is an admin of, from cache once warm', async () => {
    expect(await companyChoices(stack.users.viktor, stack.guild.id)).toEqual([{ name: 'Chicago by Night', value: chicago }]);
    const rosaGuild = strangers.find((s) => s.owner === rosa)!.guild;
    expect(await companyChoices(rosa, rosaGuild.id)).toEqual([{ name: 'Anarch Free State', value: anarch }]);
    for (const { owner, guild } of strangers.filter((s) => s.owner !== rosa)) expect(await companyChoices(owner, guild.id)).toEqual([]);
    stack.fake.clearRequests();
    expect(await companyChoices(stack.users.viktor, stack.guild.id, 'chic')).toEqual([{ name: 'Chicago by Night', value: chicago }]);
    expect(stack.fake.requests).toHaveLength(0);
  });

  it('refuses a member without Manage Server even when a server admin let the command through', async () => {
    stack.sim.addMember(stack.guild.id, rosa.id);
    await expect(connect(stack.users.mara, stack.guild.id, { company: chicago })).rejects.toThrow('/setup is not available');
    stack.sim.setCommandPermissions(stack.guild.id, 'setup', [{ id: stack.guild.id, type: 'role', allow: true }]);
    try {
      for (const user of [stack.users.mara, rosa]) {
        const refused = await connect(user, stack.guild.id, { company: user === rosa ? anarch : chicago, approvals_channel: stack.guild.defaultChannelId });
        expect(refused.content).toContain('Only members with the **Manage Server** permission');
        const show = await (await stack.sim.slashCommand({ user, guildId: stack.guild.id, command: 'setup', subcommand: 'show' })).reply();
        expect(show.content).toContain('**Manage Server**');
        expect(await companyChoices(user, stack.guild.id)).toEqual([]);
      }
    } finally {
      stack.sim.setCommandPermissions(stack.guild.id, 'setup', []);
    }
    expect(await bindings.get(stack.guild.id)).toBeNull();
  });

  it('says when the bot cannot reach the company', async () => {
    const refused = await connect(stack.users.viktor, stack.guild.id, { company: sabbat, approvals_channel: stack.guild.defaultChannelId });
    expect(refused.content).toContain('The bot has no access to a company called');
    expect(refused.content).toContain('API key');
  });

  it('decides with Valentina acting as the person, not with the cached role', async () => {
    expect(await companyChoices(stack.users.viktor, stack.guild.id)).toHaveLength(1); // the cache says ADMIN
    const viktor = stack.fake.store.getUser(FIXTURE_IDS.users.viktor.id)!;
    stack.fake.store.updateUser(viktor, { role: 'STORYTELLER' });
    try {
      stack.fake.clearRequests();
      const refused = await connect(stack.users.viktor, stack.guild.id, { company: chicago, approvals_channel: stack.guild.defaultChannelId });
      expect(refused.content).toContain('you are a storyteller there');
      const reads = stack.fake.requests.filter((r) => r.method === 'GET' && r.path === `/api/v1/companies/${chicago}/users/${viktor.id}`);
      expect(reads.map((r) => r.headers['on-behalf-of'])).toContain(viktor.id);
      expect(await bindings.get(stack.guild.id)).toBeNull();
    } finally {
      stack.fake.store.updateUser(viktor, { role: 'ADMIN' });
    }
  });

  it('lets the admin bind; running again keeps what it was not given; clear removes what it names', async () => {
    const { viktor } = stack.users;
    const first = await connect(viktor, stack.guild.id, { company: chicago });
    expect(first.content).toContain('Pick an **approvals_channel** the first time');
    expect(await bindings.get(stack.guild.id)).toBeNull();

    const audit = stack.sim.addChannel(stack.guild.id, { name: 'xp-log' });
    const bound = await connect(viktor, stack.guild.id, {
      company: chicago,
      approvals_channel: stack.guild.defaultChannelId,
      default_campaign: FIXTURE_IDS.campaigns.main,
      audit_channel: audit.id,
      confirm_xp_above: 25,
      confirm_cp_above: 0,
    });
    expect(bound.content).toContain('now plays in **Chicago by Night**');

    const again = await connect(viktor, stack.guild.id, { company: chicago });
    expect(again.content).toBe('Setup updated.');
    expect(field(again, 'Approvals channel')).toBe(`<#${stack.guild.defaultChannelId}>`);
    expect(field(again, 'Default campaign')).toBe('Requiem for the Loop');
    expect(field(again, 'XP log channel')).toBe(`<#${audit.id}>`);
    expect(field(again, 'Confirm XP grants above')).toBe('25 XP');
    expect(field(again, 'Confirm cool point grants above')).toBe('0 cool points');
    expect(await bindings.get(stack.guild.id)).toMatchObject({ xpConfirmAbove: 25, cpConfirmAbove: 0, auditChannelId: audit.id, defaultCampaignId: FIXTURE_IDS.campaigns.main });

    const cleared = await connect(viktor, stack.guild.id, { company: chicago, clear: 'both', confirm_xp_above: 10 });
    expect(field(cleared, 'Default campaign')).toContain('none');
    expect(field(cleared, 'XP log channel')).toBe('none');
    expect(field(cleared, 'Confirm XP grants above')).toBe('10 XP');
    expect(field(cleared, 'Confirm cool point grants above')).toBe('0 cool points');
    const both = await connect(viktor, stack.guild.id, { company: chicago, clear: 'audit_channel', audit_channel: audit.id });
    expect(both.content).toContain('not both');
  });

  it("never sends the company's approval requests to a stranger's server", async () => {
    const newcomer = stack.sim.addUser({ username: 'newcomer', email: 'newcomer@example.net', verified: true });
    stack.sim.addMember(stack.guild.id, newcomer.id);
    const link = await (await stack.sim.slashCommand({ user: newcomer, guildId: stack.guild.id, command: 'link' })).reply();
    const url = (link.components[0] as { components: Array<{ url: string }> }).components[0]!.url;
    expect(await (await fetch(stack.sim.oauth.authorize({ userId: newcomer.id, url }))).text()).toContain('Account created');
    const request = await stack.sim.waitForMessage({ channelId: stack.guild.defaultChannelId, predicate: (m) => JSON.stringify(m.embeds).includes(newcomer.id), timeoutMs: 15_000 });
    expect(request.embeds[0]!.title).toContain('Chicago by Night');
    expect((await bindings.guildsForCompany(chicago)).map((b) => b.guildId)).toEqual([stack.guild.id]);
    // Their channels hold only the refusals shown to the person who ran /setup there and the welcome of the bot's arrival.
    for (const { guild } of strangers) {
      const posted = stack.sim.channelMessages(guild.defaultChannelId).filter((m) => m.interactionId === null);
      expect(posted.map((m) => m.content.split('\n')[0])).toEqual([`Thanks for adding me to **${guild.name}**! I connect this server to a company in Valentina Noir: players link their accounts with \`/link\`, storytellers grant experience with \`/xp\` and \`/cp\`, everyone rolls their quickrolls with \`/quickroll\` and keeps notes by DM.`]);
    }
  });
});

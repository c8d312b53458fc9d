/** Guild setup, account linking through the OAuth callback, resolution outcomes and caching, end to end. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { REST } from '@discordjs/rest';
import { commands } from '../../commands/index.js';
import { registerCommands } from '../../src/discord/register.js';
import { SIM_APPLICATION_ID, SIM_BOT_TOKEN, startStack, type Stack } from '../support/bot-process.js';

const { chicago, anarch } = FIXTURE_IDS.companies;

describe('identity: /setup, /link, /unlink, /whoami', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  interface Who { id: string; username: string }
  const run = (user: Who, command: string, subcommand?: string, options: Record<string, string | number | boolean> = {}, where: 'guild' | 'dm' = 'guild') =>
    stack.sim.slashCommand({ user: user as Stack['users']['mara'], ...(where === 'guild' ? { guildId: stack.guild.id } : {}), command, subcommand, options }).then((ix) => ix.reply());
  const newMember = (username: string, extra: { email?: string; verified?: boolean; id?: string } = {}) => {
    const user = stack.sim.addUser({ username, ...extra });
    stack.sim.addMember(stack.guild.id, user.id);
    return user;
  };
  /** `/link`, then the browser: Discord's consent as `signer`, then the bot's callback page. */
  const linkThroughBrowser = async (user: Who, signer: Who = user) => {
    const reply = await run(user, 'link');
    const button = (reply.components[0] as { components: Array<{ url?: string }> }).components[0]!;
    const redirect = stack.sim.oauth.authorize({ userId: signer.id, url: button.url! });
    const response = await fetch(redirect);
    return { redirect, status: response.status, html: await response.text(), reply };
  };

  it('asks for /setup before anything else, then binds the server with autocomplete', async () => {
    const before = await run(stack.users.mara, 'whoami');
    expect(before.ephemeral).toBe(true);
    expect(before.content).toContain('/setup');

    const companies = await stack.sim.autocomplete({ user: stack.users.viktor, guildId: stack.guild.id, command: 'setup', subcommand: 'connect', options: { company: 'chic' }, focused: 'company' });
    expect(companies).toEqual([{ name: 'Chicago by Night', value: chicago }]);
    const campaigns = await stack.sim.autocomplete({ user: stack.users.viktor, guildId: stack.guild.id, command: 'setup', subcommand: 'connect', options: { company: chicago, default_campaign: 'req' }, focused: 'default_campaign' });
    expect(campaigns.map((c) => c.name)).toEqual(['Requiem for the Loop']);

    const setup = await run(stack.users.viktor, 'setup', 'connect', { company: chicago, approvals_channel: stack.guild.defaultChannelId, default_campaign: FIXTURE_IDS.campaigns.main });
    expect(setup.content).toContain('now plays in **Chicago by Night**');
    const shown = await run(stack.users.viktor, 'setup', 'show');
    expect(shown.embeds[0]!.fields?.find((f) => f.name === 'Default campaign')?.value).toBe('Requiem for the Loop');
    const again = await run(stack.users.viktor, 'setup', 'connect', { company: chicago, approvals_channel: stack.guild.defaultChannelId });
    expect(again.content).toBe('Setup updated.');
    // Not given again, so kept; `clear:` removes it.
    expect(again.embeds[0]!.fields?.find((f) => f.name === 'Default campaign')?.value).toBe('Requiem for the Loop');
    const cleared = await run(stack.users.viktor, 'setup', 'connect', { company: chicago, clear: 'default_campaign' });
    expect(cleared.embeds[0]!.fields?.find((f) => f.name === 'Default campaign')?.value).toContain('none');
    // Typed by hand rather than picked: part of a name is enough when it names one company or campaign.
    const typed = await run(stack.users.viktor, 'setup', 'connect', { company: 'chicago', approvals_channel: stack.guild.defaultChannelId, default_campaign: 'requiem' });
    expect(typed.embeds[0]!.fields?.find((f) => f.name === 'Default campaign')?.value).toBe('Requiem for the Loop');
  });

  it('refuses a channel the bot cannot post in, naming the missing permission', async () => {
    // The CHANNEL_UPDATE goes out on the guild's gateway connection ahead of the command's
    // INTERACTION_CREATE, so the bot sees the new permissions before the command: no wait needed.
    stack.sim.setChannelPermissions(stack.guild.defaultChannelId, { botCanEmbed: false });
    try {
      const refused = await run(stack.users.viktor, 'setup', 'connect', { company: chicago, approvals_channel: stack.guild.defaultChannelId });
      expect(refused.content).toContain('**Embed Links**');
    } finally {
      stack.sim.setChannelPermissions(stack.guild.defaultChannelId, { botCanView: true, botCanSend: true, botCanEmbed: true });
    }
    expect((await run(stack.users.viktor, 'setup', 'show')).embeds[0]!.fields?.[0]?.value).toBe('Chicago by Night');
  });

  it('gives each resolution outcome its own answer', async () => {
    const mara = await run(stack.users.mara, 'whoami');
    expect(mara.embeds[0]!.fields?.map((f) => f.value).slice(0, 2)).toEqual(['Chicago by Night', 'Player']);
    // The Valentina account by the name a person knows it by, not only its id (markdown escaped).
    expect(mara.embeds[0]!.fields?.find((f) => f.name === 'Valentina user')?.value).toBe('nightwatch\\_ (Mara Voss)');
    expect((await run(stack.users.nadia, 'whoami')).content).toContain('waiting for approval');
    expect((await run(stack.users.otto, 'whoami')).content).toContain('deactivated');
    expect((await run(newMember('stranger'), 'whoami')).content).toContain('/link');
    const rosa = newMember('rosa', { id: FIXTURE_IDS.users.rosa.discordId! });
    const other = await run(rosa, 'whoami');
    expect(other.content).toContain('Anarch Free State');
    expect(other.content).toContain('Chicago by Night');
  });

  it('answers from cache: one lookup per user, however many commands', async () => {
    stack.fake.clearRequests();
    await run(stack.users.bastien, 'whoami');
    await run(stack.users.bastien, 'whoami');
    expect(stack.fake.countRequests({ path: '/users/lookup' })).toBe(1);
  });

  it('links an existing account (matched) and shows a success page', async () => {
    const { status, html } = await linkThroughBrowser(stack.users.mara);
    expect(status).toBe(200);
    expect(html).toContain('Account linked');
  });

  it('links by verified email, then the new link acts at once', async () => {
    const ines = newMember('ines', { email: 'ines.ortega@example.com', verified: true });
    expect((await run(ines, 'whoami')).content).toContain('/link');
    const { html } = await linkThroughBrowser(ines);
    expect(html).toContain('linked to your existing Valentina account');
    const now = await run(ines, 'whoami');
    expect(now.embeds[0]!.fields?.[1]?.value).toBe('Player');
  });

  it('creates a new account that waits for approval', async () => {
    const newcomer = newMember('ghoulfriend', { email: 'ghoul@example.net', verified: true });
    const { html } = await linkThroughBrowser(newcomer);
    expect(html).toContain('Account created');
    expect((await run(newcomer, 'whoami')).content).toContain('waiting for approval');
    expect(stack.fake.store.companyUsers(chicago).some((u) => u.email === 'ghoul@example.net' && u.role === 'UNAPPROVED')).toBe(true);
  });

  it('refuses reused, forged and someone else’s sign-ins', async () => {
    const someone = newMember('someone', { email: 'someone@example.net', verified: true });
    const first = await linkThroughBrowser(someone);
    expect(first.status).toBe(200);
    const reused = await fetch(first.redirect);
    expect(reused.status).toBe(410);
    expect(await reused.text()).toContain('expired');
    const forged = await fetch(`${stack.bot.httpUrl}/oauth/discord/callback?code=abc&state=forged-state-forged-state`);
    expect(forged.status).toBe(400);
    const victim = newMember('victim', { email: 'victim@example.net', verified: true });
    const stolen = await linkThroughBrowser(victim, stack.users.bastien);
    expect(stolen.status).toBe(403);
    expect(stolen.html).toContain('Wrong Discord account');
  });

  it('cannot unlink the only identity, and unlinks one of two', async () => {
    const only = await run(stack.users.mara, 'unlink');
    expect(only.content).toContain("can't be unlinked");
    const discordId = '777000000000000001';
    stack.fake.store.createUser({
      company_id: chicago,
      username: 'twofold',
      email: 'twofold@example.com',
      role: 'PLAYER',
      discord_profile: { id: discordId, username: 'twofold', global_name: null, avatar_id: null, discriminator: '0', email: 'twofold@example.com', verified: true },
      google_profile: { id: 'google-twofold', email: 'twofold@example.com' },
    });
    const twofold = newMember('twofold', { id: discordId });
    expect((await run(twofold, 'whoami')).embeds[0]!.fields?.[0]?.value).toBe('Chicago by Night');
    const done = await run(twofold, 'unlink');
    expect(done.content).toContain('no longer linked');
    expect((await run(twofold, 'whoami')).content).toContain('/link');
  });

  it('lets a member of several companies choose the one their DMs act in', async () => {
    // DMs see global commands only: deploy them as an operator would.
    await registerCommands({ rest: new REST({ api: stack.sim.apiUrl, version: '10' }).setToken(SIM_BOT_TOKEN), applicationId: SIM_APPLICATION_ID, commands, scope: { scope: 'global' } });
    const dm = await run(stack.users.mara, 'whoami', undefined, {}, 'dm');
    expect(dm.embeds[0]!.description).toContain('Anarch Free State');
    const picked = await stack.sim.selectMenu({ user: stack.users.mara, message: dm.message, customId: (dm.components[0] as { components: Array<{ custom_id: string }> }).components[0]!.custom_id, values: [anarch] });
    expect((await picked.reply()).content).toContain('Anarch Free State');
    expect(stack.sim.violations).toEqual([]);
  });
});

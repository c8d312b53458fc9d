/** Identity cache and sign-in state edges, end to end: cold-cache matching, expired states, stale actors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST } from '@discordjs/rest';
import { commands } from '../../commands/index.js';
import { registerCommands } from '../../src/discord/register.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { SIM_APPLICATION_ID, SIM_BOT_TOKEN, startStack, type Stack } from '../support/bot-process.js';

const { chicago } = FIXTURE_IDS.companies;

describe('identity: cache and sign-in state edges', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    const setup = await run(stack.users.viktor, 'setup', 'connect', { company: chicago, approvals_channel: stack.guild.defaultChannelId });
    expect(setup.content).toContain('Chicago by Night');
  });
  afterAll(async () => {
    await stack?.close();
  });

  interface Who { id: string; username: string }
  const run = (user: Who, command: string, subcommand?: string, options: Record<string, string> = {}) =>
    stack.sim.slashCommand({ user: user as Stack['users']['mara'], guildId: stack.guild.id, command, subcommand, options }).then((ix) => ix.reply());
  const lookupKey = (discordUserId: string) => `${stack.redis.prefix}:ident:${discordUserId}`;
  const linkUrl = async (user: Who) => {
    const reply = await run(user, 'link');
    expect(reply.ephemeral).toBe(true);
    return (reply.components[0] as { components: Array<{ url?: string }> }).components[0]!.url!;
  };

  it('links mara from a cold cache and forgets the cached lookup', async () => {
    await run(stack.users.mara, 'whoami');
    expect(await stack.redis.client.exists(lookupKey(stack.users.mara.id))).toBe(1);
    await stack.redis.client.del(lookupKey(stack.users.mara.id));
    const url = await linkUrl(stack.users.mara);
    const page = await fetch(stack.sim.oauth.authorize({ userId: stack.users.mara.id, url }));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Account linked');
    expect(await stack.redis.client.exists(lookupKey(stack.users.mara.id))).toBe(0);
    stack.fake.clearRequests();
    expect((await run(stack.users.mara, 'whoami')).embeds[0]!.fields?.[1]?.value).toBe('Player');
    expect(await run(stack.users.mara, 'whoami')).toBeTruthy();
    expect(stack.fake.countRequests({ path: '/users/lookup' })).toBe(1);
  });

  it('refuses a sign-in whose state expired before the user came back', async () => {
    const url = await linkUrl(stack.users.bastien);
    const state = new URL(url).searchParams.get('state')!;
    expect(await stack.redis.client.del(`${stack.redis.prefix}:oauth:${state}`)).toBe(1);
    const page = await fetch(stack.sim.oauth.authorize({ userId: stack.users.bastien.id, url }));
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This link has expired');
  });

  it('drops a cached actor Valentina no longer knows and acts as the current account', async () => {
    const discordId = '777000000000000042';
    const profile = { id: discordId, username: 'phoenix', global_name: null, avatar_id: null, discriminator: '0', email: 'phoenix@example.com', verified: true };
    const old = stack.fake.store.createUser({ company_id: chicago, username: 'phoenix-old', email: 'phoenix@example.com', role: 'PLAYER', discord_profile: profile });
    const phoenix = stack.sim.addUser({ id: discordId, username: 'phoenix' });
    stack.sim.addMember(stack.guild.id, phoenix.id);
    expect((await run(phoenix, 'whoami')).embeds[0]!.fields?.[0]?.value).toBe('Chicago by Night');

    // The account is merged into a new one behind the bot's back: the cached user id is now unknown.
    stack.fake.store.archiveUser(old);
    const current = stack.fake.store.createUser({
      company_id: chicago,
      username: 'phoenix',
      email: 'phoenix@example.com',
      role: 'PLAYER',
      discord_profile: profile,
      google_profile: { id: 'google-phoenix', email: 'phoenix@example.com' },
    });
    const done = await run(phoenix, 'unlink');
    expect(done.content).toContain('no longer linked');
    expect(stack.fake.store.getUser(current.id)?.discord_profile ?? null).toBeNull();
    expect((await run(phoenix, 'whoami')).content).toContain('/link');
    expect(stack.sim.violations).toEqual([]);
  });

  it('links from DMs after picking the company from a menu', async () => {
    // DMs see global commands only: deploy them as an operator would.
    await registerCommands({ rest: new REST({ api: stack.sim.apiUrl, version: '10' }).setToken(SIM_BOT_TOKEN), applicationId: SIM_APPLICATION_ID, commands, scope: { scope: 'global' } });
    const wanderer = stack.sim.addUser({ username: 'wanderer', email: 'wanderer@example.net', verified: true });
    const asked = await (await stack.sim.slashCommand({ user: wanderer, command: 'link' })).reply();
    expect(asked.ephemeral).toBe(true);
    expect(asked.content).toContain('Which Valentina company');
    const menu = (asked.components[0] as { components: Array<{ custom_id: string; options: Array<{ label: string; value: string }> }> }).components[0]!;
    expect(menu.options.map((o) => o.label)).toContain('Chicago by Night');
    const picked = await (await stack.sim.selectMenu({ user: wanderer, message: asked.message, customId: menu.custom_id, values: [chicago] })).reply();
    expect(picked.content).toContain('**Chicago by Night**');
    const url = (picked.components[0] as { components: Array<{ url?: string }> }).components[0]!.url!;
    const page = await fetch(stack.sim.oauth.authorize({ userId: wanderer.id, url }));
    expect(await page.text()).toContain('Account created');
    expect(stack.fake.store.companyUsers(chicago).some((u) => u.email === 'wanderer@example.net' && u.role === 'UNAPPROVED')).toBe(true);
    const dm = await (await stack.sim.slashCommand({ user: wanderer, command: 'whoami' })).reply();
    expect(dm.embeds[0]!.description).toContain('**Chicago by Night** — Waiting for approval');
    expect(stack.sim.violations).toEqual([]);
  });
});

/**
 * An OAuth redirect the operator forgot to register (Developer Portal → OAuth2 → Redirects): the start-up
 * check says so, Discord refuses the sign-in of /link, and adding the redirect (no restart) is the whole fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { OAUTH_CALLBACK_PATH } from '../../src/identity/link-flow.js';
import { bindChicago, startStack, waitFor, type Stack } from '../support/bot-process.js';

const { chicago } = FIXTURE_IDS.companies;

describe('an OAuth redirect not registered with the Discord application', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ registerRedirect: false });
    await bindChicago(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is reported at start-up, refused by Discord at sign-in, and works once registered, without a restart', async () => {
    const redirect = `${stack.bot.env.PUBLIC_URL}${OAUTH_CALLBACK_PATH}`;
    await waitFor('the start-up check report', 20_000, () => stack.bot.logs.some((line) => line.includes('"msg":"start-up check')));
    const report = stack.bot.logs.find((line) => line.includes('"msg":"start-up check'));
    expect(report).toContain(
      `WARN OAuth redirect registered: ${redirect} is not among the application's OAuth2 redirects, so Discord refuses the sign-in of /link. Fix: add it under OAuth2 → Redirects (no restart needed).`,
    );

    const newcomer = stack.sim.addUser({ username: 'newcomer', email: 'newcomer@example.net', verified: true });
    stack.sim.addMember(stack.guild.id, newcomer.id);
    const reply = await (await stack.sim.slashCommand({ user: newcomer, guildId: stack.guild.id, command: 'link' })).reply();
    const url = (reply.components[0] as { components: Array<{ url?: string }> }).components[0]?.url ?? '';
    expect(new URL(url).searchParams.get('redirect_uri')).toBe(redirect);

    // The browser opens the button: Discord's authorize page shows the error and sends it nowhere.
    const page = await fetch(url);
    expect(page.status).toBe(400);
    expect(await page.json()).toEqual({ error: 'invalid_request', error_description: 'Invalid OAuth2 redirect_uri' });
    expect(() => stack.sim.oauth.authorize({ userId: newcomer.id, url })).toThrow('Invalid OAuth2 redirect_uri');
    expect(stack.fake.store.companyUsers(chicago).some((u) => u.email === 'newcomer@example.net')).toBe(false);

    // The operator adds the redirect; the same button now signs in.
    stack.sim.application.redirectUris.push(redirect);
    const callback = stack.sim.oauth.authorize({ userId: newcomer.id, url });
    expect(callback.startsWith(`${redirect}?`)).toBe(true);
    expect(await (await fetch(callback)).text()).toContain('Account created');
    expect(stack.fake.store.companyUsers(chicago).some((u) => u.email === 'newcomer@example.net')).toBe(true);
    expect(stack.sim.violations).toEqual([]);
  });
});

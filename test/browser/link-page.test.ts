/**
 * The page a user lands on at the end of `/link`, opened in a real headless Chromium: the bot's
 * own OAuth callback serves it after the simulator's Discord consent screen redirects there.
 * Needs /usr/bin/chromium (`apt-get install -y chromium`); skipped with that reason when absent.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { REPO_ROOT, startStack, type Stack } from '../support/bot-process.js';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SCREENSHOT = join(REPO_ROOT, 'docs/link-success.png');

if (!HAS_CHROMIUM) console.warn(`Skipping the link page browser check: ${CHROMIUM} is not installed (apt-get install -y chromium).`);

describe.skipIf(!HAS_CHROMIUM)('link result page in a headless browser (needs /usr/bin/chromium)', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      }),
    ]);
    const setup = await (
      await stack.sim.slashCommand({
        user: stack.users.viktor,
        guildId: stack.guild.id,
        command: 'setup',
        subcommand: 'connect',
        options: { company: FIXTURE_IDS.companies.chicago, approvals_channel: stack.guild.defaultChannelId },
      })
    ).reply();
    expect(setup.content).toContain('Chicago by Night');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Runs `/link` as mara and returns where Discord's consent screen sends her browser. */
  const consentRedirect = async () => {
    const reply = await (await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'link' })).reply();
    const url = (reply.components[0] as { components: Array<{ url?: string }> }).components[0]!.url!;
    return stack.sim.oauth.authorize({ userId: stack.users.mara.id, url });
  };

  it('shows "Account linked" with what to do next, and keeps a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 720, height: 480 } });
    try {
      const response = await page.goto(await consentRedirect());
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('Account linked · Valentina');
      expect(await page.locator('h1').innerText()).toBe('Account linked');
      expect(await page.locator('main').innerText()).toContain('go back to Discord');
      expect(await page.locator('main').getAttribute('data-tone')).toBe('success');
      mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
      expect(existsSync(SCREENSHOT)).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('shows an expired link as an error page when the same sign-in is opened twice', async () => {
    const page = await browser.newPage();
    try {
      const redirect = await consentRedirect();
      expect((await page.goto(redirect))?.status()).toBe(200);
      const again = await page.goto(redirect);
      expect(again?.status()).toBe(410);
      expect(await page.locator('h1').innerText()).toBe('This link has expired');
      expect(await page.locator('main').innerText()).toContain('Run /link in Discord again');
      expect(await page.locator('main').getAttribute('data-tone')).toBe('error');
    } finally {
      await page.close();
    }
  });
});

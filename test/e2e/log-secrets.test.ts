/**
 * Secrets never reach a log line, even at LOG_LEVEL=debug and on the paths that log Discord's REST
 * errors (whose request URL holds the interaction token): the bot process runs against the Discord
 * simulator with REST faults injected, and every line it wrote is searched for each secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindChicago, SIM_BOT_TOKEN, SIM_CLIENT_SECRET, startStack, waitFor, type Stack } from '../support/bot-process.js';

/** The `@original` edit of an interaction or webhook token, as the simulator's fault paths see it (`Routes` encodes the `@`). */
const EDIT_ORIGINAL = /^\/webhooks\/\d+\/[^/]+\/messages\/(@|%40)original$/;

let stack: Stack;
/** Every interaction token the test handed the bot, and the OAuth codes and states it used. */
const interactionTokens: string[] = [];
const oauthValues: string[] = [];

beforeAll(async () => {
  stack = await startStack({ env: { LOG_LEVEL: 'debug' } });
  await bindChicago(stack);
});

afterAll(async () => {
  await stack?.close();
});

/** Resolves with the first log line (after `from`) containing `text`. */
async function logLine(text: string, from: number): Promise<string> {
  let found: string | undefined;
  await waitFor(`a log line containing "${text}"`, 15_000, () => {
    found = stack.bot.logs.slice(from).find((line) => line.includes(text));
    return found !== undefined;
  });
  return found!;
}

describe('secrets in the logs', () => {
  it('logs a failed update of the /link reply without the interaction token, OAuth code or state', async () => {
    const ines = stack.sim.addUser({ username: 'ines', email: 'ines.ortega@example.com', verified: true });
    stack.sim.addMember(stack.guild.id, ines.id);
    const link = await stack.sim.slashCommand({ user: ines, guildId: stack.guild.id, command: 'link' });
    interactionTokens.push(link.token);
    const reply = await link.reply();
    const button = (reply.components[0] as { components: Array<{ url?: string }> }).components[0]!;
    const redirect = new URL(stack.sim.oauth.authorize({ userId: ines.id, url: button.url! }));
    oauthValues.push(redirect.searchParams.get('code')!, redirect.searchParams.get('state')!);

    // Discord fails every edit of the /link reply: the REST client gives up after its retries.
    stack.sim.faults.inject({ method: 'PATCH', path: EDIT_ORIGINAL, status: 500, times: 20 });
    const from = stack.bot.logs.length;
    const page = await fetch(redirect);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('linked to your existing Valentina account');

    const line = await logLine('could not update the /link reply', from);
    expect(line).toContain('[redacted]');
    expect(line).not.toContain(link.token);
    stack.sim.faults.clear();
  });

  it('logs a reply Discord refuses without the interaction token', async () => {
    // Every attempt at the answer fails: the failure is logged and the answer handed to the delivery queue.
    stack.sim.faults.inject({ path: /^\/(interactions|webhooks)\//, status: 500, times: 40 });
    const from = stack.bot.logs.length;
    const ping = await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'ping' });
    interactionTokens.push(ping.token);
    try {
      const line = await logLine('the answer could not be shown', from);
      expect(line).toContain('[redacted]');
      expect(line).not.toContain(ping.token);
    } finally {
      stack.sim.faults.clear();
    }
  });

  it('logs a refused OAuth code exchange without the code or the state, and the page shows neither', async () => {
    const celine = stack.sim.addUser({ username: 'celine', email: 'celine@example.net', verified: true });
    stack.sim.addMember(stack.guild.id, celine.id);
    const link = await stack.sim.slashCommand({ user: celine, guildId: stack.guild.id, command: 'link' });
    interactionTokens.push(link.token);
    const button = ((await link.reply()).components[0] as { components: Array<{ url?: string }> }).components[0]!;
    const redirect = new URL(stack.sim.oauth.authorize({ userId: celine.id, url: button.url! }));
    const code = redirect.searchParams.get('code')!;
    const state = redirect.searchParams.get('state')!;
    oauthValues.push(code, state);

    stack.sim.faults.inject({ method: 'POST', path: /^\/oauth2\/token$/, status: 500, times: 5 });
    const from = stack.bot.logs.length;
    const page = await fetch(redirect);
    const html = await page.text();
    expect(page.status).toBe(502);
    expect(html).toContain('Discord did not confirm the sign-in');
    for (const secret of [code, state, SIM_CLIENT_SECRET]) expect(html).not.toContain(secret);
    await logLine('Discord refused the OAuth code', from);
    stack.sim.faults.clear();
  });

  it('answers a refused API key with a reference, not the key', async () => {
    // Valentina answers 401 to everything, as it would to a revoked key.
    stack.fake.faults.inject({ kind: 'status', status: 401, times: 20 });
    const from = stack.bot.logs.length;
    const whoami = await stack.sim.slashCommand({ user: stack.users.bastien, guildId: stack.guild.id, command: 'whoami' });
    interactionTokens.push(whoami.token);
    const reply = await whoami.reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/ERR-[0-9A-Z]{4}/);
    expect(JSON.stringify(reply)).not.toContain(stack.fake.apiKey);
    await logLine('"level":50', from);
    stack.fake.faults.clear();
  });

  it('has no secret and no interaction token in any log line', () => {
    const secrets = [SIM_BOT_TOKEN, SIM_CLIENT_SECRET, stack.fake.apiKey, ...oauthValues, ...interactionTokens];
    expect(interactionTokens).toHaveLength(4);
    expect(oauthValues).toHaveLength(4);
    expect(stack.bot.logs.length).toBeGreaterThan(0);
    const leaks = stack.bot.logs.flatMap((line) => secrets.filter((secret) => line.includes(secret)).map((secret) => ({ secret: secret.slice(0, 6), line })));
    expect(leaks).toEqual([]);
  });
});

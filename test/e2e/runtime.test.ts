/**
 * The bot as an operator runs it: `node dist/src/main.js` against the Discord simulator, the fake
 * Valentina and a real Redis. Covers start-up (gateway + command registration), the basic commands,
 * component routing, autocomplete, DMs, a resumed gateway connection and a clean SIGTERM.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimComponent, SimMessage } from '../../packages/sandbox/src/discord-sim/model.js';
import { REPO_ROOT, startStack, type Stack } from '../support/bot-process.js';
import { commands } from '../../commands/index.js';
import { WHATS_NEW } from '../../commands/whats-new.js';
import { commandBodies } from '../../src/discord/register.js';

const EXPIRED = 'This button has expired — run the command again.';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

async function deployCommands(env: Record<string, string>): Promise<string> {
  const tsx = join(REPO_ROOT, 'node_modules/.bin/tsx');
  const { stdout } = await promisify(execFile)(tsx, ['scripts/deploy-commands.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  return stdout;
}

function buttons(message: SimMessage): SimComponent[] {
  return message.components.flatMap((row) => row.components ?? []);
}

function buttonLabelled(message: SimMessage, label: string): SimComponent {
  const button = buttons(message).find((b) => b.label === label);
  if (!button?.custom_id) throw new Error(`no button "${label}" in ${JSON.stringify(message.components)}`);
  return button;
}

describe('the bot process', () => {
  it('registers its commands in the guild on start-up', () => {
    const names = stack.sim.commands({ guildId: stack.guild.id }).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['ping', 'help']));
  });

  it('answers /ping in a guild', async () => {
    const inGuild = await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'ping' });
    const guildReply = await inGuild.reply();
    expect(guildReply.content).toMatch(/pong/i);
    expect(guildReply.ephemeral).toBe(true);

  });

  it('deploys its commands globally with scripts/deploy-commands.ts, and answers /ping in DMs', async () => {
    const output = await deployCommands(stack.bot.env);
    expect(output).toContain(`Registered ${commandBodies(commands).length} commands globally`);
    expect(output).toContain('/ping');
    expect(stack.sim.commands().map((c) => c.name)).toEqual(expect.arrayContaining(['ping', 'help']));

    const inDm = await stack.sim.slashCommand({ user: stack.users.bastien, command: 'ping' });
    const reply = await inDm.reply();
    expect(reply.content).toMatch(/pong/i);
  });

  it('lists the registry in /help and routes its buttons', async () => {
    const handle = await stack.sim.slashCommand({ user: stack.users.celeste, guildId: stack.guild.id, command: 'help' });
    const reply = await handle.reply();
    const text = JSON.stringify(reply.embeds);
    expect(text).toContain('/ping');
    expect(text).toContain('/help');
    // What is new in the latest release, as CHANGELOG.md says (test/changelog.test.ts keeps the two in step).
    expect(reply.embeds[0]?.fields?.find((field) => field.name === `What's new in ${WHATS_NEW.version}`)?.value).toBe(
      WHATS_NEW.highlights.map((highlight) => `• ${highlight}`).join('\n'),
    );

    const click = await stack.sim.clickButton({
      user: stack.users.celeste,
      guildId: stack.guild.id,
      message: reply.message,
      customId: buttonLabelled(reply.message, '/ping').custom_id!,
    });
    const detail = await click.reply();
    expect(detail.embeds[0]?.title).toBe('/ping');
    expect(JSON.stringify(detail.embeds)).toMatch(/DMs/);
  });

  it('shows the details of one command with /help command:', async () => {
    const handle = await stack.sim.slashCommand({
      user: stack.users.viktor,
      guildId: stack.guild.id,
      command: 'help',
      options: { command: 'ping' },
    });
    const reply = await handle.reply();
    expect(reply.embeds[0]?.title).toBe('/ping');
    expect(reply.ephemeral).toBe(true);
  });

  it('finds the command when the name is typed by hand: capitals, spaces, a slash or a subcommand', async () => {
    for (const typed of ['XP', '  quickroll ', '/Notes list']) {
      const reply = await (await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'help', options: { command: typed } })).reply();
      expect(reply.embeds[0]?.title).toBe(`/${typed.trim().replace('/', '').split(' ')[0]!.toLowerCase()}`);
    }
  });

  it('shows a command made of subcommands as they are typed, optional options in brackets', async () => {
    const handle = await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'help', options: { command: 'quickroll' } });
    const field = (await handle.reply()).embeds[0]?.fields?.find((f) => f.name === 'Subcommands');
    expect(field?.value).toContain('`/quickroll run quickroll [character] [difficulty] [desperation] [comment]` — Roll one of your quickrolls');
    expect(field?.value).toContain('`/quickroll list` — Your quickrolls');
    expect(field?.value).not.toContain('(optional)');
  });

  it('says who may use a command', async () => {
    const who = async (command: string) => {
      const reply = await (await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'help', options: { command } })).reply();
      return reply.embeds[0]?.fields?.find((f) => f.name === 'Who')?.value;
    };
    expect(await who('approvals')).toBe('Storytellers and admins of the company');
    expect(await who('xp')).toContain('`add`, `remove` and `session`: storytellers and admins');
    expect(await who('ping')).toBe('Everyone');
  });

  it('completes command names for /help command:', async () => {
    const choices = await stack.sim.autocomplete({
      user: stack.users.mara,
      guildId: stack.guild.id,
      command: 'help',
      options: { command: 'pi' },
      focused: 'command',
    });
    expect(choices.map((c) => c.value)).toEqual(['ping']);
  });

  it('politely rejects buttons from an older version of the bot, or of a shape it does not know', async () => {
    const handle = await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'help' });
    const current = buttonLabelled((await handle.reply()).message, '/ping').custom_id!;
    const stale = current.replace(/^v\d+\|/, 'v9|');
    expect(stale).not.toBe(current);

    // A message an earlier deployment posted, whose buttons carry ids this version no longer reads.
    const rest = new REST({ api: stack.sim.apiUrl, version: '10' }).setToken(stack.bot.env.DISCORD_TOKEN!);
    const channelId = stack.guild.defaultChannelId;
    const posted = (await rest.post(Routes.channelMessages(channelId), {
      body: {
        content: 'Commands',
        components: [
          {
            type: 1,
            components: [
              { type: 2, style: 2, label: 'old', custom_id: stale },
              { type: 2, style: 2, label: 'legacy', custom_id: 'help-next-page' },
            ],
          },
        ],
      },
    })) as { id: string };
    const message = stack.sim.channelMessages(channelId).find((m) => m.id === posted.id);
    if (!message) throw new Error('the posted message is not in the channel');

    for (const customId of [stale, 'help-next-page']) {
      const click = await stack.sim.clickButton({ user: stack.users.mara, guildId: stack.guild.id, message, customId });
      const answer = await click.reply();
      expect(answer.content).toBe(EXPIRED);
      expect(answer.ephemeral).toBe(true);
    }
  });

  it('receives a direct message and answers it (an unapproved user is told why it cannot be a note yet)', async () => {
    await stack.sim.sendDM(stack.users.nadia, 'hello? how do I use this?');
    const answer = await stack.sim.waitForMessage({ dmUserId: stack.users.nadia.id });
    expect(answer.content).toContain('waiting for approval');
    expect(answer.content).toContain('notes');
  });

  it('resumes after a gateway disconnect and keeps answering', async () => {
    const identifies = stack.sim.gateway.identifyCount;
    const resumed = stack.sim.gateway.waitForResume({ timeoutMs: 15_000 });
    stack.sim.gateway.disconnect({ resumable: true });
    await resumed;

    const handle = await stack.sim.slashCommand({ user: stack.users.otto, guildId: stack.guild.id, command: 'ping' });
    expect((await handle.reply()).content).toMatch(/pong/i);
    expect(stack.sim.gateway.identifyCount).toBe(identifies);
  });

  it('serves readiness and metrics while running', async () => {
    const ready = await fetch(`${stack.bot.opsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { gateway: 'ok', redis: 'ok', valentina: 'ok' } });
    const metrics = await (await fetch(`${stack.bot.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/interactions_total\{[^}]*command="ping"[^}]*\} [1-9]/);
  });

  it('serves only the OAuth callback on the public port', async () => {
    for (const path of ['/metrics', '/readyz', '/healthz']) {
      const response = await fetch(`${stack.bot.httpUrl}${path}`);
      await response.arrayBuffer();
      expect(response.status).toBe(404);
    }
    const callback = await fetch(`${stack.bot.httpUrl}/oauth/discord/callback?state=unknown`);
    expect(callback.status).toBe(400);
    expect(await callback.text()).toContain('This link is not valid');
  });

  it('broke no Discord rule along the way', () => {
    expect(stack.sim.violations).toEqual([]);
  });

  it('exits 0 within 5 s of SIGTERM', async () => {
    const deadline = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5_000).unref());
    const exit = await Promise.race([stack.bot.stop('SIGTERM'), deadline]);
    expect(exit).toMatchObject({ code: 0 });
    // Nothing logged at error level or above during the whole run, shutdown included.
    expect(stack.bot.logs.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });
});

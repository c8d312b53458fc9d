/** The invite asks for exactly the permissions the bot uses, as one integer Discord understands. */
import { spawnSync } from 'node:child_process';
import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { BOT_PERMISSIONS, botPermissionsInteger, inviteUrl } from '../../src/discord/permissions.js';
import { REPO_ROOT } from '../support/bot-process.js';

describe('the invite URL', () => {
  it('asks for View Channel, Send Messages, Embed Links, Attach Files and Read Message History: 117760', () => {
    expect(BOT_PERMISSIONS.map((p) => p.name)).toEqual(['View Channel', 'Send Messages', 'Embed Links', 'Attach Files', 'Read Message History']);
    expect(botPermissionsInteger()).toBe('117760');
    const granted = new PermissionsBitField(BigInt(botPermissionsInteger()));
    expect(granted.has(PermissionFlagsBits.ReadMessageHistory)).toBe(true);
    expect(granted.has(PermissionFlagsBits.Administrator)).toBe(false);
    expect(granted.has(PermissionFlagsBits.ManageMessages)).toBe(false);
  });

  it('adds the bot with its slash commands to a server', () => {
    const url = new URL(inviteUrl('123456789012345678'));
    expect(`${url.origin}${url.pathname}`).toBe('https://discord.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: '123456789012345678',
      scope: 'bot applications.commands',
      permissions: '117760',
      integration_type: '0',
    });
  });

  it('is printed by `npm run invite-url`, from --client-id or DISCORD_CLIENT_ID, and refuses anything else', () => {
    const run = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/invite-url.ts', ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      });
    const fromEnv = run([], { DISCORD_CLIENT_ID: '1180000000000000001' });
    expect(fromEnv.status).toBe(0);
    expect(fromEnv.stdout.split('\n')[0]).toBe(inviteUrl('1180000000000000001'));
    expect(fromEnv.stdout).toContain('Read Message History   read an approval request back to mark it decided');
    expect(run(['--client-id', '1180000000000000002']).stdout.split('\n')[0]).toBe(inviteUrl('1180000000000000002'));
    const bad = run(['--client-id', 'my-bot']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('the client id must be the application id');
  });
});

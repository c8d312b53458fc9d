/** The sandbox a newcomer starts with `npm run demo`: it comes up, answers as the README says, and stops. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/demo/sandbox.js';
import { tokenize } from '../../src/sandbox/demo/session.js';
import { runTour } from '../../src/sandbox/demo/tour.js';
import { redisUrl } from '../support/redis.js';

describe('demo sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    process.env.REDIS_URL = redisUrl();
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('plays a tour: grants XP, logs it, refuses a player, renders buttons', async () => {
    const out: string[] = [];
    await runTour(sandbox, (text) => out.push(text), [
      'as celeste',
      '/xp add user:@mara amount:5 reason:"Great scene"',
      'as mara',
      '/xp add user:@bastien amount:3',
      '/link',
      'click 1',
      'show #xp-log',
      'frobnicate',
    ]);
    const text = out.join('\n');
    expect(text).toContain('+5 XP for Mara');
    expect(text).toContain('@celeste gave @mara **5 XP**');
    expect(text).toContain('Valentina bot (#xp-log):');
    expect(text).toContain('Only storytellers can grant');
    expect(text).toContain('[1] Sign in with Discord (link)');
    expect(text).toContain('(opens ');
    expect(text).toContain(`I don't know "frobnicate"`);
  });

  it('lets a newcomer link through the sign-in page and an admin approve them with one click', async () => {
    const out: string[] = [];
    await runTour(sandbox, (text) => out.push(text), ['as jules', '/link', 'click 1', 'as viktor', 'click 1', 'as jules', '/whoami']);
    const text = out.join('\n');
    expect(text).toContain('the page says: Account created');
    expect(text).toContain('Valentina bot (#approvals):');
    expect(text).toContain('New player waiting for approval in Chicago by Night');
    expect(text).toContain('Approved as player by @viktor');
    expect(text).toContain('Valentina bot (DM to jules):');
    expect(text.slice(text.lastIndexOf('jules> /whoami'))).toContain('Role: Player');
    expect(sandbox.sim.violations).toEqual([]);
  });

  it('shows the form the Edit button opens and saves what the person submits', async () => {
    const out: string[] = [];
    await runTour(sandbox, (text) => out.push(text), ['as bastien', 'dm Haven ideas\\nAn old church', 'click 1', 'submit title:"Haven: the church"', 'submit']);
    const text = out.join('\n');
    expect(text).toContain('Valentina bot opens a form:');
    expect(text).toContain('title (Title (3–50 characters)): Haven ideas');
    expect(text).toContain('content (Content (markdown)): An old church');
    expect(text).toContain('Saved your changes to **Haven: the church**');
    expect(text).toContain('No form is open');
    expect(sandbox.sim.violations).toEqual([]);
  });

  it('reads options with quotes', () => {
    expect(tokenize('/xp add user:@mara reason:"Great scene" amount:5')).toEqual(['/xp', 'add', 'user:@mara', 'reason:Great scene', 'amount:5']);
  });
});

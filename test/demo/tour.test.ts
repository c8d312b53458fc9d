/** The sandbox a newcomer starts with `npm run demo`: it comes up, answers as the README says, and stops. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BOT_TOKEN, startSandbox, type Sandbox } from '../../packages/sandbox/src/demo/sandbox.js';
import { DemoSession, tokenize } from '../../packages/sandbox/src/demo/session.js';
import { runTour } from '../../packages/sandbox/src/demo/tour.js';
import { redisUrl } from '../support/redis.js';

describe('demo sandbox', () => {
  let sandbox: Sandbox;
  // The sandbox reads REDIS_URL as `npm run demo` does; restored after, as other files share this process.
  const redisUrlBefore = process.env.REDIS_URL;
  beforeAll(async () => {
    process.env.REDIS_URL = redisUrl();
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
    if (redisUrlBefore === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = redisUrlBefore;
  });

  /** Plays `lines` as a person would type them; resolves with everything the terminal showed. */
  const play = async (lines: readonly string[]): Promise<string> => {
    const out: string[] = [];
    await runTour(sandbox, (text) => out.push(text), lines);
    return out.join('\n');
  };

  it('plays a tour: grants XP, logs it, refuses a player, renders buttons', async () => {
    const text = await play([
      'as celeste',
      '/xp add user:@mara amount:5 reason:"Great scene"',
      'as mara',
      '/xp add user:@bastien amount:3',
      '/link',
      'click 1',
      'show #xp-log',
      'frobnicate',
      '/quickroll run quickroll:Shoot difficulty:11',
      '/xp add user:@mara amount:five',
    ]);
    expect(text).toContain('+5 XP for Mara');
    expect(text).toContain('@celeste gave @mara **5 XP**');
    expect(text).toContain('Valentina bot (#xp-log):');
    expect(text).toContain('Only storytellers can grant');
    expect(text).toContain('[1] Sign in with Discord (link)');
    expect(text).toContain('(opens ');
    expect(text).toContain(`I don't know "frobnicate"`);
    expect(text).toContain("! Discord won't send that: /quickroll run difficulty: 11 is above the maximum 10");
    expect(text).toContain(`! Discord won't send that: /xp add amount: "five" is not an integer`);
  });

  it('lets a newcomer link through the sign-in page and an admin approve them with one click', async () => {
    const text = await play(['as jules', '/link', 'click 1', 'as viktor', 'click 1', 'as jules', '/whoami']);
    expect(text).toContain('the page says: Account created');
    expect(text).toContain('Valentina bot (#approvals):');
    expect(text).toContain('New player waiting for approval in Chicago by Night');
    expect(text).toContain('Approved as player by @viktor');
    expect(text).toContain('Valentina bot (DM to jules):');
    expect(text.slice(text.lastIndexOf('jules> /whoami'))).toContain('Role: Player');
    expect(sandbox.sim.violations).toEqual([]);
  });

  it('shows the form the Edit button opens and saves what the person submits', async () => {
    const text = await play(['as bastien', 'dm Haven ideas\\nAn old church', 'click 1', 'submit title:"Haven: the church"', 'submit']);
    expect(text).toContain('Valentina bot opens a form:');
    expect(text).toContain('title (Title (3–50 characters)): Haven ideas');
    expect(text).toContain('content (Content (markdown)): An old church');
    expect(text).toContain('Saved your changes to **Haven: the church**');
    expect(text).toContain('No form is open');
    expect(sandbox.sim.violations).toEqual([]);
  });

  it('presses the buttons of the answer to the last command, even when a message with buttons was posted meanwhile', async () => {
    const out: string[] = [];
    const session = new DemoSession(sandbox, (text) => out.push(text));
    // A message with buttons the bot posts on its own (as an approval request is) while the person types.
    const posted = await fetch(`${sandbox.sim.apiUrl}/v10/channels/${sandbox.channels.approvals}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${SANDBOX_BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Posted meanwhile', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Not this one', custom_id: 'meanwhile' }] }] }),
    });
    expect(posted.status).toBe(200);
    // A failed die among the four, so the answer's first button (Reroll) is live: all successes would disable it.
    sandbox.fake.forceDice([2, 7, 8, 9]);
    await session.run('/quickroll run quickroll:Sneak');
    await session.run('click 1');
    const text = out.join('\n');
    expect(text).toContain('Posted meanwhile');
    expect(text.match(/— Sneak\*\*/g), text).toHaveLength(2);
    expect(text).not.toContain('This button has expired');
  });

  it('runs slash commands in DMs, where Discord offers only the commands that work there', async () => {
    const text = await play(['as bastien', 'dm /notes list', 'dm /whoami', 'dm /quickroll list', 'as mara', '/quickroll run quickroll:?']);
    expect(text).toContain('Your notes in Chicago by Night');
    expect(text).toContain('Your Valentina account');
    expect(text).toContain("! Discord won't send that: /quickroll is not available in DMs");
    expect(text).toContain('Discord offers for quickroll:\n  Command — Charisma + Dominate');
    expect(sandbox.sim.violations).toEqual([]);
  });

  it('posts a quickroll board and rolls from it with one press', async () => {
    const text = await play(['as mara', '/quickroll board', 'click 3']);
    expect(text).toContain('Board posted: https://discord.com/channels/');
    expect(text).toContain('Valentina bot (#general):');
    expect(text).toContain('[1] Command · 2 dice   [2] Second Sight · no dice (disabled)   [3] Shoot · 5 dice   [4] Sneak · 4 dice');
    expect(text.slice(text.lastIndexOf('mara> click 3'))).toContain("🎲 Lucien 'Luke' Carrow — Shoot");
    expect(sandbox.sim.violations).toEqual([]);
  });

  it('rolls traits, rolls in secret for a player and lets the player press a roll request', async () => {
    const text = await play([
      'as mara',
      '/roll dice pool:"Dexterity + Firearms" difficulty:7',
      'as celeste',
      '/roll dice pool:Wits difficulty:6 character:Lucien secret:true show_player:true',
      '/roll request player:@mara pool:"Dexterity + Athletics" difficulty:6',
      'as mara',
      'click 1',
    ]);
    expect(text).toContain('Dexterity 3 + Firearms 2 = **5 dice** at difficulty **7**');
    expect(text).toMatch(/\[1\] Reroll [^\n]* {3}\[2\] Save as quickroll/);
    expect(text).toContain('Secret roll. Also sent to @mara by DM.');
    expect(text).toContain('Valentina bot (DM to mara):');
    expect(text).toContain('@mara, @celeste asks you to roll **Dexterity + Athletics** at difficulty **6**');
    expect(text.slice(text.lastIndexOf('mara> click 1'))).toContain('Dexterity 3 + Athletics 1 = **4 dice** at difficulty **6**');
    expect(sandbox.sim.violations).toEqual([]);
  });

  it('reads options with quotes', () => {
    expect(tokenize('/xp add user:@mara reason:"Great scene" amount:5')).toEqual(['/xp', 'add', 'user:@mara', 'reason:Great scene', 'amount:5']);
  });
});

/** The scripted tour of `npm run demo -- --tour`: every feature, as the table would use it. */
import { DemoSession } from './session.js';
import type { Sandbox } from './sandbox.js';

export const TOUR: readonly string[] = [
  '# Chicago by Night plays on this server. Mara is a player, Celeste the storyteller, Viktor the admin.',
  '/ping',
  'as viktor',
  '/setup show',
  'as mara',
  '/whoami',
  '# Storytellers grant experience; the table sees it and #xp-log keeps the record.',
  'as celeste',
  '/xp add user:@mara amount:5 reason:"Great scene at Elysium"',
  '/cp add user:@bastien amount:1 reason:"Made the whole table laugh"',
  '# A large grant asks the storyteller to confirm first.',
  '/xp add user:@mara amount:20 reason:"Ended the first act"',
  'click 1',
  '/xp show user:@mara',
  '# Players cannot grant XP in this company.',
  'as mara',
  '/xp add user:@bastien amount:3',
  '/xp remove user:@mara amount:500',
  '# Saved dice pools.',
  '/quickroll list',
  '/quickroll run quickroll:Shoot comment:"Covering fire"',
  '# A board of quickroll buttons with their pools: one press rolls.',
  '/quickroll board',
  'click 3',
  '# Ad-hoc rolls: traits counted from your sheet, or a number of dice.',
  '/roll dice pool:"Dexterity + Firearms" difficulty:7 comment:"Shoot out the lights"',
  '# The storyteller rolls in secret for a player\'s character, shows the player, then asks a player to roll.',
  'as celeste',
  '/roll dice pool:"Wits + Awareness" difficulty:6 character:Lucien secret:true show_player:true',
  '/roll request player:@mara pool:"Dexterity + Athletics" difficulty:6 comment:"The roof gives way"',
  'as mara',
  'click 1',
  '# Notes: DM the bot; the first line becomes the title.',
  'as bastien',
  'dm Session 14 recap\nThe seneschal owes us a boon.',
  'click 1',
  'submit title:"Session 14: the seneschal"',
  'dm /notes list',
  '# Dice statistics, with a chart.',
  'as mara',
  '/stats me',
  '# A newcomer links their Discord account: Valentina creates the account and the admins get a request.',
  'as jules',
  '/link',
  'click 1',
  'as viktor',
  '/approvals pending',
  'show #approvals',
  'click 1',
  'as jules',
  '/whoami',
  '/help',
];

export async function runTour(sandbox: Sandbox, print: (text: string) => void, lines: readonly string[] = TOUR): Promise<void> {
  const session = new DemoSession(sandbox, print);
  const registered = new Set(sandbox.sim.commands({ guildId: sandbox.guild.id }).map((c) => c.name));
  for (const line of lines) {
    if (line.startsWith('#')) {
      print(`\n${line}`);
      continue;
    }
    if (line.startsWith('/') && !registered.has(line.slice(1).split(' ')[0]!)) continue;
    print(`\n${session.person}> ${line.replace(/\n/g, '\\n')}`);
    await session.run(line.replace(/\\n/g, '\n'));
  }
}

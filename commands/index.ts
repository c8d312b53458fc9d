/**
 * The command registry: every slash command the bot registers and answers, in the order `/help`
 * lists them. Adding a command means writing its module and adding it here — nothing else.
 */
import type { CommandModule } from '../src/discord/types.js';
import { help } from './help.js';
import { ping } from './ping.js';
import { status } from './status.js';
import { stats } from './stats.js';
import { setup } from './setup.js';
import { link } from './link.js';
import { unlink } from './unlink.js';
import { whoami } from './whoami.js';
import { approvals } from './approvals.js';
import { quickroll } from './quickroll.js';
import { roll } from './roll.js';
import { notes } from './notes.js';
import { xp } from './xp.js';
import { cp } from './cp.js';

export const commands: readonly CommandModule[] = [ping, status, help, setup, link, unlink, whoami, approvals, xp, cp, roll, quickroll, notes, stats];

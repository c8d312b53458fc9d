/**
 * Who may roll for whom. The company's living characters (P1), cached per company for staff (who see
 * every character) and for players (who see all but STORYTELLER-type ones), each with its player and
 * campaign, so a roll names both without another call. A player rolls only the characters they play;
 * a storyteller or admin rolls for any character, or an NPC pool with none.
 */
import { pickChoice } from '../cache/cached-json.js';
import type { RosterEntry } from '../cache/rolls.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';

export type { RosterEntry };

export const isStaff = (actor: Pick<Actor, 'role'>) => actor.role === 'ADMIN' || actor.role === 'STORYTELLER';
/** Who a roster is read for: its tier and the acting user of the read. */
export type RosterReader = Pick<Actor, 'companyId' | 'userId' | 'role'>;
const tierOf = (actor: RosterReader) => (isStaff(actor) ? 'staff' : 'player');

async function load(deps: BotDeps, actor: RosterReader): Promise<RosterEntry[]> {
  const rows = await deps.valentina.characters.listAll(actor.companyId, { status: 'ALIVE' }, { onBehalfOf: actor.userId });
  return rows
    .filter((c) => c.company_id === actor.companyId && (isStaff(actor) || c.type !== 'STORYTELLER'))
    .map((c) => ({ id: c.id, name: c.name_full, type: c.type, playerId: c.user_player_id, campaignId: c.campaign_id }));
}

/** The company's living characters as the actor may see them (cached; `fresh` reads them again). */
export async function rosterOf(deps: BotDeps, actor: RosterReader, fresh = false): Promise<RosterEntry[]> {
  const key = deps.keys.rolls.roster(actor.companyId, tierOf(actor));
  if (!fresh) return deps.rollCaches.roster.get(key, () => load(deps, actor));
  const rows = await load(deps, actor);
  await deps.rollCaches.roster.set(key, rows);
  return rows;
}

export function forgetRoster(deps: BotDeps, companyId: string): Promise<void> {
  return Promise.all([deps.rollCaches.roster.invalidate(deps.keys.rolls.roster(companyId, 'staff')), deps.rollCaches.roster.invalidate(deps.keys.rolls.roster(companyId, 'player'))]).then(() => undefined);
}

/** The living characters a Valentina user plays. */
export const playedBy = (roster: readonly RosterEntry[], userId: string) => roster.filter((c) => c.playerId === userId);

/** Refuses a character the actor may not roll for, naming why. */
export function mayRollFor(actor: Actor, character: RosterEntry): RosterEntry {
  if (isStaff(actor) || character.playerId === actor.userId) return character;
  throw new UserError(`**${character.name}** is not your character: only its player, a storyteller or an admin can roll for it. Leave out \`character\` to roll for your own.`);
}

/**
 * The character a roll is for: the one named (any the actor may roll for), else the only one the actor
 * plays. Null when none is named and the actor plays none or several — the caller decides whether a
 * roll without a character is allowed.
 */
export async function chooseCharacter(deps: BotDeps, actor: Actor, option: string | null): Promise<{ character: RosterEntry | null; played: number }> {
  let roster = await rosterOf(deps, actor);
  if (option) {
    let found = pickChoice(roster, option);
    // A character made a moment ago in the web app is not in the cached roster yet.
    if (!found) {
      roster = await rosterOf(deps, actor, true);
      found = pickChoice(roster, option);
    }
    if (!found) throw new UserError(`There is no living character called **${option.slice(0, 50)}** in **${actor.companyName}**. Pick one from the list that appears as you type.`);
    return { character: mayRollFor(actor, found), played: playedBy(roster, actor.userId).length };
  }
  const mine = playedBy(roster, actor.userId);
  return { character: mine.length === 1 ? mine[0]! : null, played: mine.length };
}

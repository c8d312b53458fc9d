/**
 * Who sits at a quickroll board: its characters and, for each, whose quickrolls it offers. A player's
 * board shows the character named (or the only one they play) with their own quickrolls. A
 * storyteller's or admin's board shows the player characters at the table — the server's default
 * campaign, else the whole company — each with its player's quickrolls, which staff may roll for any
 * character (R1 checks no ownership; contract §2.5). `character:` puts one character of the company
 * on a staff board.
 */
import { UserError } from '../discord/errors.js';
import type { BotDeps } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { chooseCharacter, isStaff, rosterOf } from '../rolls/roster.js';
import { byName, type CharacterSummary } from './catalogue.js';
import { pickCharacter } from './pick.js';

/** Characters on a table board (one menu each; Discord allows five rows). */
export const TABLE_CHARACTERS = 5;

export interface Seat {
  character: CharacterSummary;
  /** The Valentina user whose quickrolls the character's buttons or menu offer. */
  playerId: string;
}

export interface Seating {
  seats: Seat[];
  /** Characters at the table that did not fit on the board. */
  leftOut: number;
  /** Where the table is, for the reply: the campaign's name or the company's. */
  table: string | null;
}

export interface TableCampaign {
  id: string;
  name: string;
}

/** The seats of a board posted by `actor` with the `character` option (null when left out). */
export async function seatsFor(deps: BotDeps, actor: Actor, option: string | null, campaign: TableCampaign | null): Promise<Seating> {
  if (!isStaff(actor)) return { seats: [{ character: await pickCharacter(deps, actor, option), playerId: actor.userId }], leftOut: 0, table: null };
  if (option) {
    const { character } = await chooseCharacter(deps, actor, option);
    if (!character) throw new UserError('Pick a character in the `character` option.');
    return { seats: [{ character, playerId: character.playerId ?? actor.userId }], leftOut: 0, table: null };
  }
  const table = campaign?.name ?? actor.companyName;
  const atTable = (await rosterOf(deps, actor)).filter((c) => c.type === 'PLAYER' && (!campaign || c.campaignId === campaign.id)).sort(byName);
  if (atTable.length === 0) {
    throw new UserError(`There are no living player characters in **${table}** to put on a board. Post one for a single character with \`character\`.`);
  }
  const seats = atTable.slice(0, TABLE_CHARACTERS).map((character) => ({ character, playerId: character.playerId ?? actor.userId }));
  return { seats, leftOut: atTable.length - seats.length, table };
}

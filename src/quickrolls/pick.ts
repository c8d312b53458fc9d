/**
 * Turning option values into the actor's own quickroll or character. Autocomplete sends ids; a
 * member may also type a name. Only the actor's own quickrolls and the characters they play are
 * candidates — Valentina itself does not check either when rolling.
 */
import { pickChoice } from '../cache/cached-json.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { charactersOf, freshQuickrolls, quickrollsOf, type CharacterSummary, type QuickrollSummary } from './catalogue.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


/** The actor's quickroll by id or name; a miss reloads the list once (it may be newer than the cache). */
export async function findQuickroll(deps: BotDeps, actor: Actor, option: string): Promise<QuickrollSummary | undefined> {
  const cached = pickChoice(await quickrollsOf(deps, actor.companyId, actor.userId), option);
  return cached ?? pickChoice(await freshQuickrolls(deps, actor.companyId, actor.userId), option);
}

export async function pickQuickroll(deps: BotDeps, actor: Actor, option: string): Promise<QuickrollSummary> {
  const found = await findQuickroll(deps, actor, option);
  if (found) return found;
  // An id comes from autocomplete: the quickroll existed a moment ago.
  if (UUID.test(option.trim())) throw new UserError('That quickroll no longer exists — it was deleted meanwhile. `/quickroll list` shows yours.');
  throw new UserError(`You have no quickroll called **${option.slice(0, 50)}**. \`/quickroll list\` shows yours.`);
}

/**
 * The character to roll with: the one named, or the only one the actor plays. A PLAYER never rolls a
 * STORYTELLER-type character, whatever the list says.
 */
export async function pickCharacter(deps: BotDeps, actor: Actor, option: string | null): Promise<CharacterSummary> {
  const mine = await charactersOf(deps, actor.companyId, actor.userId);
  let character: CharacterSummary | undefined;
  if (option) {
    character = pickChoice(mine, option);
    if (!character) throw new UserError(`You don't play a living character called **${option.slice(0, 50)}** in **${actor.companyName}**. Pick one from the list that appears as you type.`);
  } else if (mine.length === 1) {
    character = mine[0];
  } else if (mine.length === 0) {
    throw new UserError(`You don't play any living character in **${actor.companyName}**, so there is no one to roll for.`);
  } else {
    throw new UserError(`You play ${mine.length} characters in **${actor.companyName}**: say which one in the \`character\` option.`);
  }
  if (!character) throw new UserError('Pick a character in the `character` option.');
  return guardCharacter(actor, character);
}

/** The character again by id (for a reroll), with the same checks. */
export async function characterById(deps: BotDeps, actor: Actor, characterId: string): Promise<CharacterSummary> {
  const character = (await charactersOf(deps, actor.companyId, actor.userId)).find((c) => c.id === characterId);
  if (!character) throw new UserError(`The character of this roll is no longer a living character you play in **${actor.companyName}**. Run \`/quickroll run\` with another one.`);
  return guardCharacter(actor, character);
}

function guardCharacter(actor: Actor, character: CharacterSummary): CharacterSummary {
  if (actor.role === 'PLAYER' && character.type === 'STORYTELLER') {
    throw new UserError(`**${character.name}** is a storyteller character: only storytellers and admins can roll for it.`);
  }
  return character;
}

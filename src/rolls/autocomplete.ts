/**
 * `/roll` autocomplete, from the caches (the identity resolver's, the roster, the character's sheet
 * and the trait catalogue): on a warm cache, no call to Valentina. `pool` shows each trait's dots and
 * the running pool size for the character the roll is for; `character` lists the characters the
 * member may roll for (in `/roll request`, the player's).
 */
import type { AutocompleteInteraction } from 'discord.js';
import { matchChoices, pickChoice } from '../cache/cached-json.js';
import type { BotDeps, Choices } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { sheetOf, traitCatalogue } from '../quickrolls/catalogue.js';
import { completePool } from './pool.js';
import { isStaff, playedBy, rosterOf, type RosterEntry } from './roster.js';

const clip = (text: string) => (text.length <= 100 ? text : `${text.slice(0, 99)}…`);

async function actorFor(interaction: AutocompleteInteraction, deps: BotDeps, discordUserId: string): Promise<Actor | null> {
  if (!interaction.guildId) return null;
  const binding = await deps.bindings.get(interaction.guildId);
  if (!binding) return null;
  const resolution = await deps.resolver.resolveInGuild(discordUserId, binding);
  return resolution.status === 'ok' ? resolution.actor : null;
}

/** The characters the pool is counted from: the member's own (`/roll dice`), or the player's (`/roll request`). */
async function candidates(interaction: AutocompleteInteraction, deps: BotDeps, actor: Actor): Promise<RosterEntry[]> {
  const roster = await rosterOf(deps, actor);
  if (interaction.options.getSubcommand(false) === 'request') {
    const playerId = interaction.options.get('player')?.value;
    if (typeof playerId !== 'string' || !isStaff(actor)) return [];
    const player = await actorFor(interaction, deps, playerId);
    return player ? playedBy(roster, player.userId) : [];
  }
  return isStaff(actor) ? roster : playedBy(roster, actor.userId);
}

async function poolChoices(interaction: AutocompleteInteraction, deps: BotDeps, actor: Actor, typed: string): Promise<Choices> {
  const [catalogue, options] = await Promise.all([traitCatalogue(deps, actor.companyId), candidates(interaction, deps, actor)]);
  const named = interaction.options.getString('character');
  const own = interaction.options.getSubcommand(false) === 'request' ? options : playedBy(options, actor.userId);
  const character = named ? pickChoice(options, named) : own.length === 1 ? own[0] : undefined;
  const sheet = character ? (await sheetOf(deps, actor.companyId, character.id, actor.userId)).sheet : null;
  return completePool(catalogue, sheet, typed);
}

export async function rollAutocomplete(interaction: AutocompleteInteraction, deps: BotDeps): Promise<Choices> {
  const actor = await actorFor(interaction, deps, interaction.user.id);
  if (!actor) return [];
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value);
  if (focused.name === 'pool') return poolChoices(interaction, deps, actor, typed);
  if (focused.name === 'character') {
    return matchChoices(await candidates(interaction, deps, actor), typed).map((c) => ({ name: clip(c.name), value: c.id }));
  }
  return [];
}

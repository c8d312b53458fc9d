/**
 * `/quickroll` autocomplete, answered from the caches in catalogue.ts (and the identity resolver's
 * cache): a warm cache means no call to Valentina. Outside a set-up server, or for a member who is
 * not linked, there is nothing to offer.
 */
import type { AutocompleteInteraction } from 'discord.js';
import { matchChoices } from '../cache/cached-json.js';
import type { BotDeps, Choices } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { isStaff, rosterOf } from '../rolls/roster.js';
import { charactersOf, quickrollsOf, traitCatalogue } from './catalogue.js';
import { completeTraitList, traitNames } from './traits.js';

const CHOICE_MAX = 100;
const clip = (text: string) => (text.length <= CHOICE_MAX ? text : `${text.slice(0, CHOICE_MAX - 1)}…`);

async function actorFor(interaction: AutocompleteInteraction, deps: BotDeps): Promise<Actor | null> {
  if (!interaction.guildId) return null;
  const binding = await deps.bindings.get(interaction.guildId);
  if (!binding) return null;
  const resolution = await deps.resolver.resolveInGuild(interaction.user.id, binding);
  return resolution.status === 'ok' ? resolution.actor : null;
}

/** "Shoot — Dexterity + Firearms" choices whose value is the quickroll id. */
async function quickrollChoices(deps: BotDeps, actor: Actor, typed: string): Promise<Choices> {
  const [mine, catalogue] = await Promise.all([quickrollsOf(deps, actor.companyId, actor.userId), traitCatalogue(deps, actor.companyId)]);
  return matchChoices(mine, typed).map((q) => ({ name: clip(`${q.name} — ${traitNames(q.traitIds, catalogue).join(' + ')}`), value: q.id }));
}

/** The characters the actor plays; for a storyteller's or admin's board, any of the company's (table.ts). */
async function characterChoices(deps: BotDeps, actor: Actor, typed: string, board: boolean): Promise<Choices> {
  if (board && isStaff(actor)) return matchChoices(await rosterOf(deps, actor), typed).map((c) => ({ name: clip(c.name), value: c.id }));
  const mine = await charactersOf(deps, actor.companyId, actor.userId);
  const allowed = actor.role === 'PLAYER' ? mine.filter((c) => c.type !== 'STORYTELLER') : mine;
  return matchChoices(allowed, typed).map((c) => ({ name: clip(c.name), value: c.id }));
}

/**
 * Trait lists: completes the last comma-separated item. In `/quickroll edit`, an empty box first
 * offers the quickroll's current traits, ready to be extended.
 */
async function traitChoices(interaction: AutocompleteInteraction, deps: BotDeps, actor: Actor, typed: string): Promise<Choices> {
  const catalogue = await traitCatalogue(deps, actor.companyId);
  const choices: Choices = completeTraitList(catalogue, typed);
  if (typed.trim() === '' && interaction.options.getSubcommand(false) === 'edit') {
    const selected = interaction.options.getString('quickroll');
    const current = selected ? (await quickrollsOf(deps, actor.companyId, actor.userId)).find((q) => q.id === selected) : undefined;
    const names = current ? traitNames(current.traitIds, catalogue).join(', ') : '';
    if (names && names.length <= CHOICE_MAX) return [{ name: names, value: names }, ...choices.slice(0, 24)];
  }
  return choices;
}

export async function quickrollAutocomplete(interaction: AutocompleteInteraction, deps: BotDeps): Promise<Choices> {
  const actor = await actorFor(interaction, deps);
  if (!actor) return [];
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value);
  if (focused.name === 'quickroll') return quickrollChoices(deps, actor, typed);
  if (focused.name === 'character') return characterChoices(deps, actor, typed, interaction.options.getSubcommand(false) === 'board');
  if (focused.name === 'traits') return traitChoices(interaction, deps, actor, typed);
  return [];
}

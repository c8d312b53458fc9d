/**
 * Answering an autocomplete interaction. Discord cannot be told to wait for one (it is never
 * deferred), so the command's suggestions race a budget: past it, or when the command fails, the user
 * gets no choices rather than an error, and the outcome is counted like any other.
 */
import type { AutocompleteInteraction } from 'discord.js';
import { describeError } from './errors.js';
import type { Finished } from './answer.js';
import type { BotDeps, CommandModule } from './types.js';

/** Autocomplete is never deferred: past this budget the router answers with no choices. */
export const AUTOCOMPLETE_BUDGET_MS = 2_000;

/** Runs a command's autocomplete within `budgetMs` and answers with at most 25 of its choices. */
export async function answerAutocomplete(
  interaction: AutocompleteInteraction,
  autocomplete: NonNullable<CommandModule['autocomplete']>,
  deps: BotDeps,
  budgetMs: number,
): Promise<Finished> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), budgetMs)));
  const result = await Promise.race([
    autocomplete(interaction, deps).then(
      (choices) => ({ choices }),
      (error: unknown) => ({ error }),
    ),
    late,
  ]);
  clearTimeout(timer);
  if (result === 'late') {
    await interaction.respond([]);
    return { outcome: 'late' };
  }
  if ('error' in result) {
    await interaction.respond([]);
    const described = describeError(result.error);
    return { outcome: described.outcome, error: result.error, ...(described.reference ? { reference: described.reference } : {}) };
  }
  await interaction.respond(result.choices.slice(0, 25));
  return { outcome: 'ok' };
}

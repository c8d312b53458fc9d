/**
 * Managing saved quickrolls: the paged list, create, edit and delete (Q1, Q3–Q5). Checks what the API
 * does not (unique names per player) or checks late (trait ids are validated after a new name is
 * saved), and turns every refusal into a sentence that names the field or the trait.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';
import { outcomeUnknownMessage, UnconfirmedChangeError, UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { ValentinaNotFoundError, ValentinaOutcomeUnknownError, ValentinaValidationError, type Quickroll, type QuickrollInput } from '../valentina/index.js';
import { refreshBoards } from './board.js';
import { dropQuickroll, forgetQuickrolls, freshQuickrolls, quickrollsOf, rememberQuickroll, traitCatalogue, type QuickrollSummary } from './catalogue.js';
import { pickQuickroll } from './pick.js';
import { resolveTraitNames, traitNames, type NamedTrait } from './traits.js';

export const LIST_PAGE_SIZE = 10;
export const NAME_LENGTH = { min: 3, max: 50 } as const;
export const DESCRIPTION_LENGTH = { min: 3, max: 200 } as const;
/** `description:-` removes the description in `/quickroll edit`. */
export const CLEAR_DESCRIPTION = '-';

export const pageId = defineCustomId('qr.page', z.object({ p: z.number().int().min(0).max(999) }));
export const deleteId = defineCustomId('qr.del', z.object({ q: z.string().uuid() }));
export const keepId = defineCustomId('qr.keep', z.object({ q: z.string().uuid() }));

const LIST_COLOUR = 0x7a1f2b;

/**
 * One page of the actor's quickrolls, with Previous/Next buttons when there is more than one page.
 * The command reads the list fresh (it may have changed in the web app); page buttons read the cache.
 */
export async function listPage(deps: BotDeps, actor: Actor, page: number, fresh = false): Promise<ReplyMessage> {
  const load = fresh ? freshQuickrolls : quickrollsOf;
  const [mine, catalogue] = await Promise.all([load(deps, actor.companyId, actor.userId), traitCatalogue(deps, actor.companyId)]);
  const pages = Math.max(1, Math.ceil(mine.length / LIST_PAGE_SIZE));
  const current = Math.min(Math.max(page, 0), pages - 1);
  const lines = mine.slice(current * LIST_PAGE_SIZE, (current + 1) * LIST_PAGE_SIZE).map((q) => {
    const about = q.description ? ` · *${q.description.replace(/\s+/g, ' ').slice(0, 120)}*` : '';
    return `**${q.name}** — ${traitNames(q.traitIds, catalogue).join(' + ')}${about}`;
  });
  const embed = new EmbedBuilder()
    .setColor(LIST_COLOUR)
    .setTitle(`Your quickrolls in ${actor.companyName}`.slice(0, 256))
    .setDescription(lines.join('\n') || 'You have no quickrolls yet. Save one with `/quickroll create name:Shoot traits:Dexterity, Firearms`.')
    .setFooter({ text: `${mine.length} quickroll${mine.length === 1 ? '' : 's'} · page ${current + 1} of ${pages} · roll one with /quickroll run` });
  if (pages === 1) return { embeds: [embed], components: [] };
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(pageId.encode({ p: Math.max(current - 1, 0) })).setLabel('Previous').setStyle(ButtonStyle.Secondary).setDisabled(current === 0),
    new ButtonBuilder().setCustomId(pageId.encode({ p: Math.min(current + 1, pages - 1) })).setLabel('Next').setStyle(ButtonStyle.Secondary).setDisabled(current === pages - 1),
  );
  return { embeds: [embed], components: [row] };
}

export function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < NAME_LENGTH.min || trimmed.length > NAME_LENGTH.max) {
    throw new UserError(`The **name** must be ${NAME_LENGTH.min} to ${NAME_LENGTH.max} characters long (yours has ${trimmed.length}).`);
  }
  return trimmed;
}

/** '' for no description; otherwise 3–200 characters. */
export function checkDescription(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === CLEAR_DESCRIPTION) return '';
  if (trimmed.length < DESCRIPTION_LENGTH.min || trimmed.length > DESCRIPTION_LENGTH.max) {
    throw new UserError(`The **description** must be ${DESCRIPTION_LENGTH.min} to ${DESCRIPTION_LENGTH.max} characters long (yours has ${trimmed.length}); leave it out for none.`);
  }
  return trimmed;
}

/** Valentina does not keep names unique, so the player's current list (fresh, not cached) is checked. */
async function checkUnique(deps: BotDeps, actor: Actor, name: string, exceptId?: string): Promise<void> {
  const mine = await freshQuickrolls(deps, actor.companyId, actor.userId);
  const clash = mine.find((q) => q.id !== exceptId && q.name.toLowerCase() === name.toLowerCase());
  if (clash) throw new UserError(`You already have a quickroll called **${clash.name}**. Pick another **name**, or change that one with \`/quickroll edit\`.`);
}

const summaryOf = (q: Quickroll): QuickrollSummary => ({ id: q.id, name: q.name, description: q.description, traitIds: q.trait_ids });

const requestSuffix = (error: { requestId: string | undefined }) => (error.requestId ? ` (request ${error.requestId})` : '');

/** A 400 from Q3/Q4 as a sentence naming the field, or the trait when Valentina rejects one. */
function refusal(error: ValentinaValidationError, traits: readonly NamedTrait[]): UserError {
  const problem = error.invalidParameters.find((p) => p.field !== 'body');
  if (problem?.field === 'trait_ids') {
    const trait = traits.find((t) => problem.message.includes(t.id));
    return new UserError(`Valentina does not accept the trait **${trait?.name ?? problem.message}** in a quickroll.${requestSuffix(error)}`);
  }
  const field = problem?.field ?? /^(\w+):/.exec(error.detail)?.[1];
  const message = problem?.message ?? error.detail;
  return new UserError(`Valentina refused the quickroll${field ? `'s **${field}**` : ''}: ${message}${requestSuffix(error)}`);
}

export interface CreateInput {
  name: string;
  traits: string;
  description: string | null;
}

export async function createQuickroll(deps: BotDeps, actor: Actor, input: CreateInput, idempotencyKey: string): Promise<ReplyMessage> {
  const name = checkName(input.name);
  const description = checkDescription(input.description ?? '');
  const traits = resolveTraitNames(await traitCatalogue(deps, actor.companyId), input.traits);
  await checkUnique(deps, actor, name);
  const body: QuickrollInput = { name, description, trait_ids: traits.map((t) => t.id) };
  const create = () => deps.valentina.quickrolls.create(actor.companyId, actor.userId, body, { onBehalfOf: actor.userId, idempotencyKey });
  let created: Quickroll | undefined;
  try {
    created = await create().catch(async (error: unknown) => {
      if (!(error instanceof ValentinaOutcomeUnknownError)) throw error;
      // The answer was lost: the list shows whether it was saved; when it is not there and Valentina has
      // finished with the request, sending it once more cannot make two.
      const saved = await savedAs(deps, actor, body);
      if (saved) return undefined;
      if (saved === null || error.mayStillRun) throw unsaved(error, name);
      return create().catch(async (again: unknown) => {
        if (!(again instanceof ValentinaOutcomeUnknownError)) throw again;
        if (!(await savedAs(deps, actor, body))) throw unsaved(again, name);
        return undefined;
      });
    });
  } catch (error) {
    await forgetQuickrolls(deps, actor.companyId, actor.userId);
    if (error instanceof ValentinaValidationError) throw refusal(error, traits);
    throw error;
  }
  // The list keeps the quickroll as Valentina answered the write (a read right now could miss it);
  // after a lost answer the list was just read around every cache.
  if (created) await rememberQuickroll(deps, actor.companyId, actor.userId, summaryOf(created));
  await refreshBoards(deps, actor.companyId, actor.userId);
  return { content: `Quickroll **${name}** saved: ${traits.map((t) => t.name).join(' + ')}. Roll it with \`/quickroll run quickroll:${name}\`.` };
}

/** Whether the user now has a quickroll with this name and these traits (read around every cache); null when unreadable. */
async function savedAs(deps: BotDeps, actor: Actor, body: QuickrollInput): Promise<boolean | null> {
  const mine = await freshQuickrolls(deps, actor.companyId, actor.userId, true).catch(() => null);
  if (!mine) return null;
  const traits = new Set(body.trait_ids);
  return mine.some((q) => q.name === body.name && q.traitIds.length === traits.size && q.traitIds.every((id) => traits.has(id)));
}

function unsaved(error: ValentinaOutcomeUnknownError, name: string): UnconfirmedChangeError {
  return new UnconfirmedChangeError(
    `${outcomeUnknownMessage(error.requestId, `saving the quickroll **${name}**`, 'saved')} \`/quickroll list\` shows yours: check it before creating it again.`,
    error,
  );
}

export interface EditInput {
  quickroll: string;
  name: string | null;
  description: string | null;
  traits: string | null;
}

export async function editQuickroll(deps: BotDeps, actor: Actor, input: EditInput, idempotencyKey: string): Promise<ReplyMessage> {
  if (input.name === null && input.description === null && input.traits === null) {
    throw new UserError('Say what to change: a new `name`, `description` (`-` removes it) or `traits`.');
  }
  const target = await pickQuickroll(deps, actor, input.quickroll);
  const name = input.name === null ? undefined : checkName(input.name);
  const description = input.description === null ? undefined : checkDescription(input.description);
  const traits = input.traits === null ? undefined : resolveTraitNames(await traitCatalogue(deps, actor.companyId), input.traits);
  if (name !== undefined) await checkUnique(deps, actor, name, target.id);

  const options = { onBehalfOf: actor.userId };
  const patch = (body: Partial<QuickrollInput>, step: string) =>
    deps.valentina.quickrolls.update(actor.companyId, actor.userId, target.id, body, { ...options, idempotencyKey: `${idempotencyKey}:${step}` });
  let saved: Quickroll | undefined;
  try {
    // Valentina saves a new name before it validates trait ids: traits go alone, first.
    if (traits) saved = await patch({ trait_ids: traits.map((t) => t.id) }, 'traits');
    if (name !== undefined || description !== undefined) {
      saved = await patch({ ...(name !== undefined ? { name } : {}), ...(description !== undefined ? { description } : {}) }, 'details');
    }
  } catch (error) {
    await forgetQuickrolls(deps, actor.companyId, actor.userId);
    if (error instanceof ValentinaNotFoundError) throw gone(target, error);
    if (error instanceof ValentinaValidationError) throw refusal(error, traits ?? []);
    throw error;
  }
  // The list keeps the quickroll as Valentina answered the write: a read right now could still be the old one.
  if (saved) await rememberQuickroll(deps, actor.companyId, actor.userId, summaryOf(saved));
  else await forgetQuickrolls(deps, actor.companyId, actor.userId);
  await refreshBoards(deps, actor.companyId, actor.userId);
  const changes = [
    name !== undefined && name !== target.name ? `renamed to **${name}**` : null,
    traits ? `traits now ${traits.map((t) => t.name).join(' + ')}` : null,
    description !== undefined ? (description ? 'description updated' : 'description removed') : null,
  ].filter(Boolean);
  return { content: `Quickroll **${target.name}** updated${changes.length ? `: ${changes.join('; ')}` : ''}.` };
}

function gone(target: QuickrollSummary, error: ValentinaNotFoundError): UserError {
  return new UserError(`The quickroll **${target.name}** no longer exists — it was deleted meanwhile. \`/quickroll list\` shows yours.${requestSuffix(error)}`);
}

/** The confirmation step of `/quickroll delete`. */
export async function confirmDelete(deps: BotDeps, actor: Actor, option: string): Promise<ReplyMessage> {
  const target = await pickQuickroll(deps, actor, option);
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(deleteId.encode({ q: target.id })).setLabel(`Delete ${target.name}`.slice(0, 80)).setStyle(ButtonStyle.Danger),
    new ButtonBuilder().setCustomId(keepId.encode({ q: target.id })).setLabel('Keep it').setStyle(ButtonStyle.Secondary),
  );
  return { content: `Delete the quickroll **${target.name}**? This can't be undone.`, components: [row] };
}

/** Q5; a repeat (or a delete made elsewhere meanwhile) answers 404, which is reported as already done. */
export async function deleteQuickroll(deps: BotDeps, actor: Actor, quickrollId: string): Promise<ReplyMessage> {
  const known = (await quickrollsOf(deps, actor.companyId, actor.userId)).find((q) => q.id === quickrollId);
  const label = known ? `**${known.name}**` : 'That quickroll';
  try {
    await deps.valentina.quickrolls.delete(actor.companyId, actor.userId, quickrollId, { onBehalfOf: actor.userId });
  } catch (error) {
    if (!(error instanceof ValentinaNotFoundError)) throw error;
    await forgetQuickrolls(deps, actor.companyId, actor.userId);
    return { content: `${label} was already deleted (perhaps in the web app). Nothing else to do.`, components: [] };
  }
  await dropQuickroll(deps, actor.companyId, actor.userId, quickrollId);
  await refreshBoards(deps, actor.companyId, actor.userId);
  return { content: `Quickroll ${label} deleted.`, components: [] };
}

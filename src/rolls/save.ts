/**
 * "Save as quickroll" on a roll of traits: its roller names it in a form, and the quickroll is made
 * through `/quickroll create`'s own path (name checks, unique names, a lost answer checked before any
 * retry). Exactly once per roll: the first form sent claims the roll; a failed save frees it again.
 */
import { ComponentType, Routes, TextInputStyle, type APIModalInteractionResponseCallbackData } from 'discord.js';
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ComponentInteraction, ModalAnswer, ReplyMessage } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { createQuickroll, NAME_LENGTH } from '../quickrolls/manage.js';
import { loadMadeRoll, saveId, type MadeRoll } from './roll.js';
import { MADE_TTL_SECONDS } from './settings.js';

/** The form asking the quickroll's name. */
export const saveFormId = defineCustomId('roll.savef', z.object({ r: z.string().uuid() }));
const NAME_FIELD = 'name';

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** The roll, if the presser is its roller and it has traits to save; else a `UserError` saying why not. */
async function savable(deps: BotDeps, rollId: string, presserId: string): Promise<MadeRoll> {
  const made = await loadMadeRoll(deps, rollId);
  if (!made) throw new UserError('This roll is too old to save. Make a quickroll with `/quickroll create` instead.');
  if (made.rollerDiscordId !== presserId) throw new UserError(`Only <@${made.rollerDiscordId}>, who rolled this, can save it as a quickroll. \`/quickroll create\` makes one of your own.`);
  if (made.traitNames.length === 0) throw new UserError('Only a pool of traits can become a quickroll.');
  const claim = await deps.redis.get(deps.keys.rolls.saved(rollId));
  if (claim?.startsWith('done:')) throw new UserError(`This roll is already saved as the quickroll **${claim.slice(5)}**. Roll it with \`/quickroll run\`.`);
  return made;
}

/** The button: opens the form, its name prefilled with the pool. */
export async function openSaveForm(deps: BotDeps, rollId: string, presserId: string): Promise<ModalAnswer> {
  const made = await savable(deps, rollId, presserId);
  const suggested = made.traitNames.join(' + ').slice(0, NAME_LENGTH.max);
  const modal: APIModalInteractionResponseCallbackData = {
    custom_id: saveFormId.encode({ r: rollId }),
    title: 'Save as quickroll',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: NAME_FIELD,
            label: `Name (${NAME_LENGTH.min}–${NAME_LENGTH.max} characters)`,
            style: TextInputStyle.Short,
            min_length: NAME_LENGTH.min,
            max_length: NAME_LENGTH.max,
            required: true,
            ...(suggested.length >= NAME_LENGTH.min ? { value: suggested } : {}),
          },
        ],
      },
    ],
  };
  return { modal, late: 'Opening the form took too long. Press **Save as quickroll** again.' };
}

/** The form: creates the quickroll once, then marks the button as done. */
export async function saveFromForm(deps: BotDeps, actor: Actor, interaction: ComponentInteraction, rollId: string): Promise<ReplyMessage> {
  if (!interaction.isModalSubmit()) throw new UserError('Press **Save as quickroll** to name the quickroll.');
  const made = await savable(deps, rollId, interaction.user.id);
  if (made.companyId !== actor.companyId) throw new UserError('This roll belongs to another company.');
  const name = interaction.fields.getTextInputValue(NAME_FIELD);
  const claimKey = deps.keys.rolls.saved(rollId);
  const token = `saving:${interaction.id}`;
  if ((await deps.redis.set(claimKey, token, 'EX', MADE_TTL_SECONDS, 'NX')) !== 'OK') {
    const claim = await deps.redis.get(claimKey);
    if (claim?.startsWith('done:')) throw new UserError(`This roll is already saved as the quickroll **${claim.slice(5)}**.`);
    throw new UserError('This roll is being saved as a quickroll right now. `/quickroll list` shows it in a moment.');
  }
  let saved: ReplyMessage;
  try {
    saved = await createQuickroll(deps, actor, { name, traits: made.traitNames.join(', '), description: null }, `${interaction.id}:roll-save`);
  } catch (error) {
    await deps.redis.eval(RELEASE, 1, claimKey, token).catch(() => undefined);
    throw error;
  }
  await deps.redis.set(claimKey, `done:${name.trim()}`, 'EX', MADE_TTL_SECONDS);
  await markSaved(deps, interaction, rollId, name.trim());
  return { ...saved, ephemeral: true };
}

interface ComponentJson {
  type: number;
  custom_id?: string;
  label?: string;
  disabled?: boolean;
  [key: string]: unknown;
}

/** Disables the button on a message the table sees (an ephemeral one cannot be edited here; its button answers "already saved"). */
async function markSaved(deps: BotDeps, interaction: ComponentInteraction, rollId: string, name: string): Promise<void> {
  const message = interaction.message;
  if (!message || message.flags.has('Ephemeral')) return;
  const ours = saveId.encode({ r: rollId });
  const components = message.components.map((row) => {
    const json = row.toJSON() as { type: number; components?: ComponentJson[] };
    return {
      ...json,
      components: (json.components ?? []).map((c) => (c.custom_id === ours ? { ...c, disabled: true, label: `Saved as ${name}`.slice(0, 80) } : c)),
    };
  });
  await deps.rest.patch(Routes.channelMessage(message.channelId, message.id), { body: { components } }).catch((error: unknown) => {
    deps.logger.debug({ err: error }, 'could not disable the Save as quickroll button');
  });
}

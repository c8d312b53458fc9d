/**
 * Large grants ask first. `/xp add` above the server's `xpConfirmAbove` XP, `/cp add` above its
 * `cpConfirmAbove` cool points, and any grant to yourself answer with a private Confirm/Cancel step
 * that only the granter can use and that expires after {@link CONFIRM_TTL_SECONDS}. The request waits
 * in Redis under the command's interaction id, so Confirm makes the change with the idempotency key the
 * command would have used, and a claim taken atomically lets exactly one click act on it.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type ChatInputCommandInteraction } from 'discord.js';
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import { componentRoute } from '../discord/components.js';
import { defineCustomId } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ComponentInteraction, ComponentReply, ComponentRoute, ReplyMessage } from '../discord/types.js';
import { requireBinding } from '../identity/context.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import type { XpChangeKind } from './embeds.js';
import { chooseCampaign } from './campaign.js';
import { ExperienceChangeRequestSchema, type ExperienceChangeRequest } from './change.js';
import { performChange, readChange } from './grant.js';
import { changeNowOrQueue } from './queued.js';
import { RecordBusyError } from './serialize.js';
import { ValentinaRateLimitError } from '../valentina/index.js';
import { parseJson } from '../redis.js';

/** How long the Confirm and Cancel buttons work. */
export const CONFIRM_TTL_SECONDS = 5 * 60;
/** How long a used confirmation is remembered, so a late second click is told what happened. */
const CLAIM_TTL_SECONDS = 60 * 60;

export const confirmId = defineCustomId('xp.confirm', z.object({ i: snowflake }));
export const cancelId = defineCustomId('xp.cancel', z.object({ i: snowflake }));

const pendingKey = (deps: BotDeps, interactionId: string) => deps.keys.experience.confirm(interactionId);
const claimKey = (deps: BotDeps, interactionId: string) => deps.keys.experience.confirmClaim(interactionId);

const points = (n: number) => `${n} cool point${n === 1 ? '' : 's'}`;
const what = (request: Pick<ExperienceChangeRequest, 'kind' | 'amount'>) => (request.kind === 'cp-add' ? points(request.amount) : `${request.amount} XP`);

/** Why this change asks first, or null when it goes through at once. */
export function confirmationReason(request: Pick<ExperienceChangeRequest, 'kind' | 'target' | 'actorDiscordId' | 'amount'>, binding: Pick<GuildBinding, 'xpConfirmAbove' | 'cpConfirmAbove'>): string | null {
  if (request.kind === 'xp-remove') return null;
  if (request.target.id === request.actorDiscordId) return 'it is a grant to yourself';
  if (request.kind === 'xp-add' && request.amount > binding.xpConfirmAbove) return `it is more than ${binding.xpConfirmAbove} XP`;
  if (request.kind === 'cp-add' && request.amount > binding.cpConfirmAbove) return `it is more than ${points(binding.cpConfirmAbove)}`;
  return null;
}

/** `/xp add|remove` and `/cp add`: the change at once, or the confirmation step first. */
export async function changeOrAsk(kind: XpChangeKind, interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const { binding, draft, campaignOption } = await readChange(kind, interaction, deps);
  const reason = confirmationReason(draft, binding);
  if (!reason) return changeNowOrQueue(draft, campaignOption, binding, interaction, deps);
  const request: ExperienceChangeRequest = { ...draft, campaign: await chooseCampaign(campaignOption, binding, deps.directory) };
  await deps.redis.set(pendingKey(deps, request.interactionId), JSON.stringify(request), 'EX', CONFIRM_TTL_SECONDS);
  const expires = Math.floor(Date.now() / 1000) + CONFIRM_TTL_SECONDS;
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(confirmId.encode({ i: request.interactionId })).setLabel(`Give ${what(request)}`).setStyle(ButtonStyle.Success),
    new ButtonBuilder().setCustomId(cancelId.encode({ i: request.interactionId })).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
  );
  return {
    content:
      `Give <@${request.target.id}> **${what(request)}** in *${request.campaign.name}*? This asks first because ${reason}.\n` +
      `Only you can confirm. The buttons expire <t:${expires}:R> (${CONFIRM_TTL_SECONDS / 60} minutes); until then nothing is changed.`,
    components: [row],
    allowedMentions: { parse: [] },
    ephemeral: true,
  };
}

/** The waiting request for a click, once: throws a `UserError` saying why not otherwise. */
async function claim(interaction: ComponentInteraction, interactionId: string, as: 'confirmed' | 'cancelled', deps: BotDeps): Promise<ExperienceChangeRequest> {
  const raw = await deps.redis.get(pendingKey(deps, interactionId));
  if (raw === null) {
    const used = await deps.redis.get(claimKey(deps, interactionId));
    if (used) throw new UserError(`This grant was already ${used} — nothing more to do here.`);
    throw new UserError(`This confirmation expired after ${CONFIRM_TTL_SECONDS / 60} minutes, so nothing was changed. Run the command again.`);
  }
  const request = parseJson(raw, ExperienceChangeRequestSchema);
  if (!request) throw new UserError('This confirmation can no longer be read, so nothing was changed. Run the command again.');
  if (interaction.user.id !== request.actorDiscordId) throw new UserError(`Only <@${request.actorDiscordId}>, who asked for this grant, can confirm or cancel it.`);
  if ((await deps.redis.set(claimKey(deps, interactionId), as, 'EX', CLAIM_TTL_SECONDS, 'NX')) !== 'OK') {
    throw new UserError(`This grant was already ${(await deps.redis.get(claimKey(deps, interactionId))) ?? 'handled'} — nothing more to do here.`);
  }
  await deps.redis.del(pendingKey(deps, interactionId));
  return request;
}

async function confirm(interaction: ComponentInteraction, interactionId: string, deps: BotDeps): Promise<ComponentReply> {
  const request = await claim(interaction, interactionId, 'confirmed', deps);
  const binding = await requireBinding(interaction, deps);
  if (binding.guildId !== request.guildId) throw new UserError('This confirmation belongs to another server.');
  try {
    return { reply: await performChange(request, binding, deps, { origin: interaction }) };
  } catch (error) {
    if (!(error instanceof ValentinaRateLimitError) && !(error instanceof RecordBusyError)) throw error;
    // Refused before it was applied (the request budget, Valentina's limit, another change holding the record): the buttons work again.
    await deps.redis.multi().set(pendingKey(deps, interactionId), JSON.stringify(request), 'EX', CONFIRM_TTL_SECONDS).del(claimKey(deps, interactionId)).exec();
    if (error instanceof RecordBusyError) {
      throw new UserError(`Another change to this player’s experience in this campaign is still going through, so nothing was changed. Press **Give ${what(request)}** again in a moment.`);
    }
    const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    throw new UserError(`Valentina is busy right now, so nothing was changed. Press **Give ${what(request)}** again in ${seconds} second${seconds === 1 ? '' : 's'}.`);
  }
}

async function cancel(interaction: ComponentInteraction, interactionId: string, deps: BotDeps): Promise<ComponentReply> {
  const request = await claim(interaction, interactionId, 'cancelled', deps);
  return { update: { content: `Cancelled: <@${request.target.id}> did not get ${what(request)}. Nothing was changed.`, components: [], allowedMentions: { parse: [] } } };
}

export const confirmationRoutes: readonly ComponentRoute[] = [
  componentRoute(confirmId, (interaction, { i }, deps) => confirm(interaction, i, deps)),
  componentRoute(cancelId, (interaction, { i }, deps) => cancel(interaction, i, deps)),
];

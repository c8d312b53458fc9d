/**
 * XP and cool point changes, exactly once: the acting user and the target are resolved through the
 * identity layer, Valentina decides who may do it, and every write carries an idempotency key derived
 * from the Discord interaction (src/experience/change.ts). The write itself, with its proof when an
 * answer is lost, is src/experience/write.ts; here it runs under the per-record lock, is recorded in the
 * ledger once, and its public record also goes to the audit channel through the queue.
 */
import type { ChatInputCommandInteraction } from 'discord.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import { requireBinding, resolveTarget, withActor } from '../identity/context.js';
import type { CampaignExperience } from '../valentina/index.js';
import { changeIdempotencyKey, departedMessage, validAmount, type ChangeDraft, type ExperienceChangeRequest } from './change.js';
import { xpChangeEmbed, type XpChangeKind } from './embeds.js';
import { memberName } from './member-name.js';
import { recordLedgerEntry, type LedgerEntryInput } from './ledger.js';
import { rememberRecord, type RecordOrigin } from './record-link.js';
import { undoButtonRow } from './undo-button.js';
import { expectedAfter, write, ZERO, type WriteContext } from './write.js';

/** Reads and checks the command's options; the campaign is picked apart (`chooseCampaign`), as it may need a Valentina read. */
export async function readChange(
  kind: XpChangeKind,
  interaction: ChatInputCommandInteraction,
  deps: BotDeps,
): Promise<{ binding: GuildBinding; draft: ChangeDraft; campaignOption: string | null }> {
  const binding = await requireBinding(interaction, deps);
  const amount = validAmount(interaction.options.getInteger('amount', true), kind);
  const member = interaction.options.getUser('user', true);
  // Discord resolves a user option to a member only for people in the server.
  if (interaction.inGuild() && !interaction.options.getMember('user')) throw new UserError(departedMessage(member.id, kind));
  const reason = interaction.options.getString('reason')?.trim() || null;
  return {
    binding,
    campaignOption: interaction.options.getString('campaign'),
    draft: {
      kind,
      interactionId: interaction.id,
      guildId: binding.guildId,
      actorDiscordId: interaction.user.id,
      target: { id: member.id, bot: member.bot },
      targetName: memberName(interaction, 'user', member),
      amount,
      reason,
    },
  };
}

export interface PerformOptions {
  /** Send the record to the audit channel (default true); a session award sends one record for all its grants. */
  audit?: boolean;
  /** The interaction whose answer the record becomes, so `/xp undo` can mark it later. */
  origin?: RecordOrigin | undefined;
}

/** A change as applied: the balance before and after, and its ledger entry (null if it could not be recorded). */
export interface AppliedChange {
  before: CampaignExperience;
  after: CampaignExperience;
  entryId: string | null;
}

/**
 * THE place an XP or cool point change is applied: as the user `actorDiscordId`, under the per-record
 * lock, with the write's proof after a lost answer, and recorded in the ledger once (by its idempotency
 * key and target) before the lock is let go. `guard` runs under the lock before anything is read or
 * sent (an undo checks there that it was not undone meanwhile).
 */
export async function applyChange(request: ExperienceChangeRequest, binding: GuildBinding, deps: BotDeps, guard?: () => Promise<void>): Promise<AppliedChange> {
  const where = { guildId: request.guildId, user: { id: request.actorDiscordId } };
  return withActor(where, deps, async (actor) => {
    const target = await resolveTarget(request.target, binding, deps);
    const lock = deps.keys.experience.lock(binding.companyId, target.userId, request.campaign.id);
    return deps.experienceLocks.oneAtATime(lock, async () => {
      await guard?.();
      const ctx = { binding, actor, target };
      const { before, after } = await write(request, ctx, deps);
      return { before, after, entryId: await record(request, ctx, after, deps) };
    });
  });
}

/** Makes the change and answers with the public record (also sent to the audit channel unless told not to), with its Undo button. */
export async function performChange(request: ExperienceChangeRequest, binding: GuildBinding, deps: BotDeps, options: PerformOptions = {}): Promise<ReplyMessage> {
  const { before, after, entryId } = await applyChange(request, binding, deps);
  if (entryId && options.origin) await rememberRecord(binding.companyId, entryId, options.origin, deps);
  const embed = xpChangeEmbed({
    kind: request.kind,
    purpose: request.purpose,
    actorId: request.actorDiscordId,
    targetId: request.target.id,
    targetName: request.targetName,
    amount: request.amount,
    campaignName: request.campaign.name,
    reason: request.reason,
    before,
    after,
  });
  if (binding.auditChannelId && options.audit !== false) {
    // The change is made: a queue hiccup must not turn it into an error the user would "fix" by granting again.
    await deps.deliveries
      .enqueue(`xp-audit:${request.interactionId}`, {
        kind: 'channel',
        channelId: binding.auditChannelId,
        message: { embeds: [embed.toJSON() as Record<string, unknown>], allowed_mentions: { parse: [] } },
      })
      .catch((error: unknown) => deps.logger.error({ err: error, guildId: binding.guildId, interactionId: request.interactionId }, 'XP audit record not queued'));
  }
  const components = entryId ? [undoButtonRow(entryId, deps.config.experience.undoWindowSeconds)] : [];
  return { embeds: [embed], components, allowedMentions: { parse: [] }, ephemeral: false };
}

const LEDGER_ATTEMPTS = 3;

/** Appends the applied change to the ledger (retried briefly); a change already applied is never failed for it. */
async function record(request: ExperienceChangeRequest, ctx: WriteContext, after: CampaignExperience, deps: BotDeps): Promise<string | null> {
  const entry = ledgerEntryOf(request, ctx, after);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await recordLedgerEntry(deps, ctx.binding.companyId, entry)).id;
    } catch (error) {
      if (attempt >= LEDGER_ATTEMPTS) {
        deps.logger.error({ err: error, entry }, 'XP change applied but not recorded in the ledger');
        return null;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

const LEDGER_KIND = { 'xp-add': 'add', 'xp-remove': 'remove', 'cp-add': 'cp' } as const;

function ledgerEntryOf(request: ExperienceChangeRequest, ctx: WriteContext, after: CampaignExperience): LedgerEntryInput {
  return {
    // With the target's user id: one key can never stand for changes to two players.
    key: `${changeIdempotencyKey(request)}>${ctx.target.userId}`,
    kind: request.purpose ?? LEDGER_KIND[request.kind],
    actorDiscordId: request.actorDiscordId,
    actorUserId: ctx.actor.userId,
    targetDiscordId: request.target.id,
    targetUserId: ctx.target.userId,
    targetName: request.targetName,
    campaignId: request.campaign.id,
    campaignName: request.campaign.name,
    amount: request.amount,
    xpDelta: expectedAfter(request.kind, ZERO, request.amount).xp_current,
    reason: request.reason,
    interactionId: request.interactionId,
    at: Date.now(),
    xpCurrent: after.xp_current,
    xpTotal: after.xp_total,
    coolPoints: after.cool_points,
    undoes: request.undoes ?? null,
  };
}


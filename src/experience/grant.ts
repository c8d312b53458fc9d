/**
 * XP and cool point changes, exactly once: the acting user and the target are resolved through the
 * identity layer, Valentina decides who may do it, and every write carries an idempotency key derived
 * from the Discord interaction. The public record also goes to the audit channel through the queue.
 *
 * Under the per-record lock the balance is read fresh (around the API's response cache) before the
 * write. When Valentina's answer is lost (5xx, a broken connection, a timeout), the balance is read
 * fresh again: exactly the expected change means it was applied; unchanged means it was not, and the
 * same write is sent again (bounded, checked each time); anything else is reported honestly.
 */
import type { ChatInputCommandInteraction } from 'discord.js';
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import { UnconfirmedChangeError, UserError, outcomeUnknownMessage } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import { requireBinding, resolveTarget, withActor } from '../identity/context.js';
import type { Actor } from '../identity/resolver.js';
import {
  isNotEnoughXp,
  isXpNotAuthorized,
  ValentinaOutcomeUnknownError,
  XP_PER_COOL_POINT,
  type CampaignExperience,
} from '../valentina/index.js';
import type { ChosenCampaign } from './campaign.js';
import { xpChangeEmbed, type XpChangeKind } from './embeds.js';
import { memberName } from './member-name.js';
import { recordLedgerEntry, type LedgerEntryInput } from './ledger.js';
import { rememberRecord, type RecordOrigin } from './record-link.js';
import { undoButtonRow } from './undo-button.js';

/** The most XP one `/xp add` or `/xp remove` may move (the option's max; checked again here). */
export const MAX_XP_AMOUNT = 1000;
/** The most cool points one `/cp add` may grant: each is worth {@link XP_PER_COOL_POINT} XP. */
export const MAX_CP_AMOUNT = 100;
/** How often one change is sent at most, when its answer is lost and the balance shows it was not applied. */
export const MAX_SENDS = 3;

export const maxAmount = (kind: XpChangeKind) => (kind === 'cp-add' ? MAX_CP_AMOUNT : MAX_XP_AMOUNT);

/** What a 403 from the XP gate means, by the company's `permission_grant_xp` setting. */
export const PERMISSION_MESSAGES: Readonly<Record<string, string>> = {
  STORYTELLER: 'Only storytellers can grant XP in this company. Ask a storyteller or an admin to do it.',
  PLAYER: 'Players can only change their own XP in this company. Ask a storyteller or an admin to change anyone else’s.',
};
const OTHER_REFUSAL = 'Valentina refused this XP change for this player. Ask a storyteller or an admin.';

export const CHECK_FIRST = 'Check with `/xp show` before trying again.';

/** Checks the `amount` option again: the command definition bounds it, but nothing forces a client to. */
export function validAmount(amount: number, kind: XpChangeKind = 'xp-add'): number {
  const max = maxAmount(kind);
  if (!Number.isInteger(amount) || amount < 1 || amount > max) {
    throw new UserError(`The amount must be a whole number from 1 to ${max}.`);
  }
  return amount;
}

/** What someone is told who names a member that left the server (their links stay in Valentina). */
export function departedMessage(userId: string, kind: XpChangeKind): string {
  const what = kind === 'cp-add' ? 'cool points' : 'XP';
  return `<@${userId}> is not a member of this server any more, so I won't change their ${what} from here. Their Valentina account and its link to Discord are kept: once they rejoin, this works again (or change it in Valentina itself).`;
}

/** One change as the command asked for it: everything needed to make it now or after a confirmation. */
export interface ExperienceChangeRequest {
  kind: XpChangeKind;
  /** The command's interaction: the idempotency key and the audit record are derived from it. */
  interactionId: string;
  guildId: string;
  actorDiscordId: string;
  target: { id: string; bot: boolean };
  targetName: string;
  amount: number;
  campaign: ChosenCampaign;
  reason: string | null;
  /**
   * Tells apart the changes one interaction makes (a session award grants every member with its own
   * write): the idempotency key is `<interactionId>:<kind>`, followed by `:<part>` when set.
   */
  part?: string | undefined;
  /** Set when the ledger names it otherwise than by its kind: a player spending their own XP, or an undo. */
  purpose?: 'spend' | 'undo' | undefined;
  /** For an undo: the ledger entry it undoes. */
  undoes?: string | undefined;
  /** The change's idempotency key when it is not derived from the interaction (an undo's comes from the entry it undoes). */
  key?: string | undefined;
}

/** An {@link ExperienceChangeRequest} as it is kept in Redis: a confirmation waiting for its click, a queued change. */
export const ExperienceChangeRequestSchema = z.object({
  kind: z.enum(['xp-add', 'xp-remove', 'cp-add']),
  interactionId: snowflake,
  guildId: snowflake,
  actorDiscordId: snowflake,
  target: z.object({ id: snowflake, bot: z.boolean() }),
  targetName: z.string(),
  amount: z.number().int().min(1),
  campaign: z.object({ id: z.string().uuid(), name: z.string() }),
  reason: z.string().nullable(),
  part: snowflake.optional(),
  purpose: z.enum(['spend', 'undo']).optional(),
  undoes: z.string().optional(),
  key: z.string().min(1).max(120).optional(),
}) satisfies z.ZodType<ExperienceChangeRequest>;

/** A change as the command typed it, before its campaign is picked from the company's list. */
export type ChangeDraft = Omit<ExperienceChangeRequest, 'campaign'>;

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

/**
 * The Idempotency-Key of a change: `<interaction id>:<kind>[:<part>]`, at most 51 ASCII characters (§1.10 asks for
 * under 255), or the request's own `key` (an undo's `undo:<ledger entry id>`, at most 46). With the target's user id
 * it is also the change's one entry in the ledger.
 */
export const changeIdempotencyKey = (request: Pick<ExperienceChangeRequest, 'interactionId' | 'kind' | 'part' | 'key'>) =>
  request.key ?? `${request.interactionId}:${request.kind}${request.part === undefined ? '' : `:${request.part}`}`;

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

type Balance = Pick<CampaignExperience, 'xp_current' | 'xp_total' | 'cool_points'>;

/** The balance after `kind` of `amount` was applied to `before` (contract §3.6). */
export function expectedAfter(kind: XpChangeKind, before: Balance, amount: number): Balance {
  const { xp_current, xp_total, cool_points } = before;
  if (kind === 'xp-add') return { xp_current: xp_current + amount, xp_total: xp_total + amount, cool_points };
  if (kind === 'xp-remove') return { xp_current: xp_current - amount, xp_total, cool_points };
  const xp = amount * XP_PER_COOL_POINT;
  return { xp_current: xp_current + xp, xp_total: xp_total + xp, cool_points: cool_points + amount };
}

const ZERO: Balance = { xp_current: 0, xp_total: 0, cool_points: 0 };

const sameBalance = (a: Balance, b: Balance) => a.xp_current === b.xp_current && a.xp_total === b.xp_total && a.cool_points === b.cool_points;

interface WriteContext {
  binding: GuildBinding;
  actor: Actor;
  target: Actor;
}

/** The write, with the balance before it; proves the outcome when Valentina's answer is lost. */
async function write(request: ExperienceChangeRequest, ctx: WriteContext, deps: BotDeps): Promise<{ before: CampaignExperience; after: CampaignExperience }> {
  const { kind, amount, campaign } = request;
  const { binding, actor, target } = ctx;
  const experience = deps.valentina.experience;
  const read = () => experience.get(binding.companyId, target.userId, campaign.id, { onBehalfOf: actor.userId, fresh: true });
  const options = { onBehalfOf: actor.userId, idempotencyKey: changeIdempotencyKey(request) };
  const change = { amount, campaignId: campaign.id };
  const send = () =>
    kind === 'xp-add'
      ? experience.addXp(binding.companyId, target.userId, change, options)
      : kind === 'xp-remove'
        ? experience.removeXp(binding.companyId, target.userId, change, options)
        : experience.addCoolPoints(binding.companyId, target.userId, change, options);

  const before = await read();
  const expected = expectedAfter(kind, before, amount);
  for (let sent = 1; ; sent += 1) {
    try {
      return { before, after: await send() };
    } catch (error) {
      if (!(error instanceof ValentinaOutcomeUnknownError)) throw await refusal(error, request, ctx, before, deps);
      const now = await read().catch(() => null);
      const log = { interactionId: request.interactionId, kind, status: error.status, requestId: error.requestId, sent };
      if (now && sameBalance(now, expected)) {
        deps.logger.warn({ ...log, verdict: 'applied' }, 'XP change answer lost; the balance shows it applied');
        return { before, after: now };
      }
      if (now && sameBalance(now, before) && !error.mayStillRun && sent < MAX_SENDS) {
        deps.logger.warn({ ...log, verdict: 'not applied' }, 'XP change answer lost; the balance shows it not applied, sending again');
        continue;
      }
      deps.logger.warn({ ...log, verdict: 'unknown' }, 'XP change outcome unknown');
      throw new UnconfirmedChangeError(unconfirmedMessage(error, request, ctx, before, now), error);
    }
  }
}

function unconfirmedMessage(error: ValentinaOutcomeUnknownError, request: ExperienceChangeRequest, ctx: WriteContext, before: Balance, now: Balance | null): string {
  const who = `<@${ctx.target.discordUserId}>`;
  const where = `*${request.campaign.name}*`;
  let known: string;
  if (!now) known = 'The balance could not be read to check.';
  else if (sameBalance(now, before) && error.mayStillRun) known = `Valentina may still be working on it: ${who}'s balance in ${where} has not changed yet.`;
  else known = `${who} now has **${now.xp_current} XP** available in ${where} (${before.xp_current} before this command), which is not what this change alone would give — someone else may have changed it meanwhile.`;
  return `${outcomeUnknownMessage(error.requestId)} ${known} ${CHECK_FIRST}`;
}

/** Valentina's refusals as sentences that say what to do. */
async function refusal(error: unknown, request: ExperienceChangeRequest, ctx: WriteContext, before: Balance, deps: BotDeps): Promise<unknown> {
  if (isXpNotAuthorized(error)) {
    const setting = await deps.directory.companySummary(ctx.binding.companyId).then((c) => c.permissionGrantXp, () => 'UNKNOWN');
    if (request.purpose === 'spend') return new UserError(spendRefusal(setting));
    return new UserError(PERMISSION_MESSAGES[setting] ?? OTHER_REFUSAL);
  }
  if (isNotEnoughXp(error)) {
    const has = `<@${ctx.target.discordUserId}> has only **${before.xp_current} XP** available in *${request.campaign.name}*`;
    if (request.purpose === 'undo') {
      return new UserError(`${has}: some of the XP this would take back was spent since, so ${request.amount} XP can't be removed. Nothing was changed; a storyteller can remove what is left with \`/xp remove\`.`);
    }
    if (request.purpose === 'spend') return new UserError(`You have only **${before.xp_current} XP** available in *${request.campaign.name}*, so you can't spend ${request.amount} XP. Nothing was changed.`);
    return new UserError(`${has}, so ${request.amount} XP can't be removed.`);
  }
  return error;
}

/** Why a player may not spend their own XP, naming the company setting that decides it. */
export function spendRefusal(setting: string): string {
  return setting === 'STORYTELLER'
    ? 'This company\'s **Grant XP** setting (`permission_grant_xp`) is **STORYTELLER**: only storytellers and admins can change XP, spending your own included. Ask a storyteller to record it with `/xp remove`.'
    : `Valentina refused to let you spend your own XP (the company's **Grant XP** setting is **${setting}**). Ask a storyteller to record it with \`/xp remove\`.`;
}

/**
 * What an XP or cool point change is, before and while it is made: its bounds, the request as a command
 * asked for it (and as it is kept in Redis), and the idempotency key every write of it carries.
 */
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import { UserError } from '../discord/errors.js';
import type { ChosenCampaign } from './campaign.js';
import type { XpChangeKind } from './embeds.js';

/** The most XP one `/xp add` or `/xp remove` may move (the option's max; checked again here). */
export const MAX_XP_AMOUNT = 1000;
/** The most cool points one `/cp add` may grant: each is worth `XP_PER_COOL_POINT` (src/valentina) XP. */
export const MAX_CP_AMOUNT = 100;
export const maxAmount = (kind: XpChangeKind) => (kind === 'cp-add' ? MAX_CP_AMOUNT : MAX_XP_AMOUNT);

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

/**
 * The Idempotency-Key of a change: `<interaction id>:<kind>[:<part>]`, at most 51 ASCII characters (§1.10 asks for
 * under 255), or the request's own `key` (an undo's `undo:<ledger entry id>`, at most 46). With the target's user id
 * it is also the change's one entry in the ledger.
 */
export const changeIdempotencyKey = (request: Pick<ExperienceChangeRequest, 'interactionId' | 'kind' | 'part' | 'key'>) =>
  request.key ?? `${request.interactionId}:${request.kind}${request.part === undefined ? '' : `:${request.part}`}`;

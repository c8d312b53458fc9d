/**
 * `/approvals pending` for storytellers and admins: who is waiting in the server's company, where each
 * request stands (posted, queued, failed for good), with buttons to post a request again.
 *
 * Valentina lists unapproved users (U6) only on behalf of an ADMIN: an admin's own identity is used
 * for admins; for storytellers, the bot borrows the company's first ADMIN (see reconcile.ts) after
 * checking here that the storyteller may see the list.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, Routes } from 'discord.js';
import { loggableError, UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import type { Actor } from '../identity/resolver.js';
import type { User } from '../valentina/index.js';
import { PENDING_COLOUR, repostId } from './message.js';
import { approvalJobId } from './queue.js';
import { findAdmin } from './reconcile.js';
import { postedMessages } from './requests.js';

const MAX_LINES = 30;
const MAX_REPOST_BUTTONS = 10;

export const staffOnlyMessage = (company: string) =>
  `Only storytellers and admins of **${company}** can see and re-post pending approvals.`;

export function requireStaff(actor: Actor, binding: GuildBinding): void {
  if (actor.role !== 'ADMIN' && actor.role !== 'STORYTELLER') throw new UserError(staffOnlyMessage(binding.companyName));
}

type Standing = { kind: 'posted'; url: string } | { kind: 'failed'; reason: string } | { kind: 'queued' } | { kind: 'missing' };

export async function pendingReply(actor: Actor, binding: GuildBinding, deps: BotDeps): Promise<ReplyMessage> {
  requireStaff(actor, binding);
  const onBehalfOf = actor.role === 'ADMIN' ? actor.userId : await findAdmin(binding.companyId, deps);
  if (!onBehalfOf) throw new UserError(`**${binding.companyName}** has no admin in Valentina, so nobody can approve new players yet.`);
  const queue = deps.approvals;
  const [waiting, failed] = await Promise.all([deps.valentina.users.listUnapproved(binding.companyId, { onBehalfOf }), queue.failed(binding.companyId)]);
  const failedByUser = new Map(failed.map((entry) => [entry.userId, entry.reason]));

  const rows = await Promise.all(
    waiting.map(async (user): Promise<{ user: User; standing: Standing }> => {
      const subject = { companyId: binding.companyId, userId: user.id };
      const here = (await postedMessages(subject, deps)).get(binding.guildId);
      if (here) return { user, standing: { kind: 'posted', url: `https://discord.com/channels/${binding.guildId}/${here.channelId}/${here.messageId}` } };
      const reason = failedByUser.get(user.id);
      if (reason !== undefined) return { user, standing: { kind: 'failed', reason } };
      const job = await queue.queue.getJob(approvalJobId(subject));
      return { user, standing: job ? { kind: 'queued' } : { kind: 'missing' } };
    }),
  );
  // Requests that need a hand first.
  const order: Record<Standing['kind'], number> = { failed: 0, missing: 1, queued: 2, posted: 3 };
  rows.sort((a, b) => order[a.standing.kind] - order[b.standing.kind] || a.user.username.localeCompare(b.user.username));

  const lines = rows.slice(0, MAX_LINES).map(({ user, standing }) => `• ${describeUser(user)} — ${describeStanding(standing)}`);
  if (rows.length > MAX_LINES) lines.push(`…and ${rows.length - MAX_LINES} more.`);
  const embed = new EmbedBuilder()
    .setColor(PENDING_COLOUR)
    .setTitle(`Waiting for approval in ${binding.companyName}`.slice(0, 256))
    .setDescription((lines.join('\n') || 'Nobody is waiting for approval.').slice(0, 4096))
    .setFooter({ text: `Requests are posted in the approvals channel. ${failed.length > 0 ? `${failed.length} could not be posted: re-post them once the channel works.` : ''}`.trim() });
  const buttons = rows.slice(0, MAX_REPOST_BUTTONS).map(({ user }) =>
    new ButtonBuilder()
      .setCustomId(repostId.encode({ c: binding.companyId, u: user.id }))
      .setLabel(`Re-post ${user.username}`.slice(0, 80))
      .setStyle(ButtonStyle.Secondary),
  );
  const components = [];
  for (let i = 0; i < buttons.length; i += 5) components.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(i, i + 5)));
  return { embeds: [embed], components, allowedMentions: { parse: [] } };
}

/**
 * Posts a request again in this server: the old message (if any) is removed, the record dropped and a
 * fresh job queued with a new nonce.
 */
export async function repostRequest(actor: Actor, binding: GuildBinding, userId: string, interactionId: string, deps: BotDeps): Promise<ReplyMessage> {
  requireStaff(actor, binding);
  const subject = { companyId: binding.companyId, userId };
  const queue = deps.approvals;
  const old = (await postedMessages(subject, deps)).get(binding.guildId);
  if (old) {
    await deps.rest.delete(Routes.channelMessage(old.channelId, old.messageId)).catch((error: unknown) => {
      deps.logger.info({ err: loggableError(error) }, 'the previous approval request message could not be deleted');
    });
    await deps.redis.hdel(deps.keys.approvals.posted(subject), binding.guildId);
  }
  const state = await queue.repost(subject, interactionId);
  return {
    content:
      state === 'running'
        ? 'That request is being posted right now — it will appear in the approvals channel in a moment.'
        : `The request will be posted again in <#${binding.approvalsChannelId}> in a moment.`,
    ephemeral: true,
  };
}

function describeUser(user: User): string {
  const discord = user.discord_profile?.id;
  return `**${user.username}**${discord ? ` (<@${discord}>)` : ''}`;
}

function describeStanding(standing: Standing): string {
  switch (standing.kind) {
    case 'posted':
      return `[request posted](${standing.url})`;
    case 'failed':
      return `posting failed (${standing.reason.slice(0, 120)}) — re-post it`;
    case 'queued':
      return 'being posted';
    case 'missing':
      return 'no request yet (the next check posts it, or re-post now)';
  }
}

/**
 * Undo of an XP or cool point change, within XP_UNDO_WINDOW_SECONDS of it (15 minutes by default):
 * the opposite change, made once through the grant core. Its key comes from the entry it undoes, and
 * under the record's lock the entry is checked not to be undone already, so a double click, two
 * processes or a retry take it back exactly once. The ledger marks the entry undone in the same
 * atomic step as the undo's own entry. Only who made the change, or a company admin, may undo it.
 *
 * Valentina has no call that takes cool points back: undoing cool points removes the XP they were
 * worth and says so. Undoing a removal adds the XP back, which Valentina also counts in total XP.
 */
import { EmbedBuilder } from 'discord.js';
import { UserError } from '../discord/errors.js';
import { componentRoute } from '../discord/components.js';
import type { BotDeps, ComponentRoute, ReplyMessage } from '../discord/types.js';
import { requireActor, requireBinding } from '../identity/context.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import { XP_PER_COOL_POINT } from '../valentina/index.js';
import { XP_COLOURS } from './embeds.js';
import type { ExperienceChangeRequest } from './change.js';
import { applyChange, type AppliedChange } from './grant.js';
import { getLedgerEntry, ledgerEntries, undoneBy, type LedgerEntry } from './ledger.js';
import { changeText, entryChoiceName } from './ledger-format.js';
import { markRecord } from './record-link.js';
import { undoId } from './undo-button.js';

export interface UndoOrigin {
  /** The click or command that undoes it (a snowflake). */
  interactionId: string;
  guildId: string | null;
  user: { id: string };
}

export interface UndoResult {
  entry: LedgerEntry;
  applied: AppliedChange;
  /** The record of the undo, as the audit channel and `/xp undo` show it. */
  embed: EmbedBuilder;
}

const minutes = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} seconds`);

const alreadyUndone = (entry: LedgerEntry) => new UserError(`This change (${changeText(entry)} for <@${entry.targetDiscordId}>) was already undone — nothing more to do.`);

/** Checks that `origin`'s user may undo `entryId` now, undoes it once, and records it in the audit channel. */
export async function undoChange(origin: UndoOrigin, entryId: string, deps: BotDeps): Promise<UndoResult> {
  const binding = await requireBinding(origin, deps);
  const entry = await getLedgerEntry(deps, binding.companyId, entryId);
  const retention = deps.config.experience.ledgerRetentionDays;
  if (!entry) throw new UserError(`There is no change \`${entryId.slice(0, 40)}\` in this company's XP ledger (it keeps ${retention} days). Pick one from the list that appears as you type.`);
  if (entry.kind === 'undo') throw new UserError('This is an undo itself, so it cannot be undone. Make the change again with `/xp add` or `/xp remove`.');
  const window = deps.config.experience.undoWindowSeconds;
  if (Date.now() > entry.at + window * 1000) {
    throw new UserError(
      `A change can be undone only within ${minutes(window)} of it being made; this one was made <t:${Math.floor(entry.at / 1000)}:R>. ` +
        'Nothing was changed. To reverse it now, make the opposite change with `/xp add` or `/xp remove`.',
    );
  }
  const { actor } = await requireActor(origin, deps);
  if (origin.user.id !== entry.actorDiscordId && actor.role !== 'ADMIN') {
    throw new UserError(`Only <@${entry.actorDiscordId}>, who made this change, or an admin of **${binding.companyName}** can undo it.`);
  }
  const isUndone = async () => (await undoneBy(deps, binding.companyId, [entry.id]))[0] !== null;
  if (await isUndone()) throw alreadyUndone(entry);

  const request = opposite(entry, origin, binding);
  const applied = await applyChange(request, binding, deps, async () => {
    if (await isUndone()) throw alreadyUndone(entry);
  });
  const embed = undoEmbed(entry, origin.user.id, applied);
  await audit(binding, entry, embed, deps);
  return { entry, applied, embed };
}

/** The change that takes `entry` back, keyed by the entry so it is made once however often it is asked for. */
function opposite(entry: LedgerEntry, origin: UndoOrigin, binding: GuildBinding): ExperienceChangeRequest {
  const takesBack = entry.kind === 'add' || entry.kind === 'cp';
  return {
    kind: takesBack ? 'xp-remove' : 'xp-add',
    interactionId: origin.interactionId,
    guildId: binding.guildId,
    actorDiscordId: origin.user.id,
    target: { id: entry.targetDiscordId, bot: false },
    targetName: entry.targetName,
    amount: entry.kind === 'cp' ? entry.amount * XP_PER_COOL_POINT : entry.amount,
    campaign: { id: entry.campaignId, name: entry.campaignName },
    reason: `Undo of ${changeText(entry)}${entry.reason ? ` (${entry.reason})` : ''}`.slice(0, 500),
    purpose: 'undo',
    undoes: entry.id,
    key: `undo:${entry.id}`,
  };
}

export function undoEmbed(entry: LedgerEntry, undoerId: string, applied: AppliedChange): EmbedBuilder {
  const { before, after } = applied;
  const by = entry.actorDiscordId === undoerId ? 'their' : `<@${entry.actorDiscordId}>'s`;
  const embed = new EmbedBuilder()
    .setColor(XP_COLOURS['xp-remove'])
    .setTitle(`Undone: ${changeText(entry)} for ${entry.targetName}`.slice(0, 256))
    .setDescription(`<@${undoerId}> undid ${by} change to <@${entry.targetDiscordId}> of <t:${Math.floor(entry.at / 1000)}:f> in *${entry.campaignName}*.`)
    .addFields(
      { name: 'Available XP', value: `${before.xp_current} → ${after.xp_current}`, inline: true },
      { name: 'Total XP', value: before.xp_total === after.xp_total ? String(after.xp_total) : `${before.xp_total} → ${after.xp_total}`, inline: true },
      { name: 'Cool points', value: String(after.cool_points), inline: true },
      { name: 'Entry', value: `\`${entry.id}\``, inline: true },
    )
    .setTimestamp(new Date());
  if (entry.kind === 'cp') embed.setFooter({ text: 'Valentina cannot take cool points back: the XP they were worth was removed instead.' });
  if (entry.kind === 'remove' || entry.kind === 'spend') embed.setFooter({ text: 'The XP was added back; Valentina counts it in total XP too.' });
  return embed;
}

async function audit(binding: GuildBinding, entry: LedgerEntry, embed: EmbedBuilder, deps: BotDeps): Promise<void> {
  if (!binding.auditChannelId) return;
  await deps.deliveries
    .enqueue(`xp-undo:${binding.companyId}:${entry.id}`, {
      kind: 'channel',
      channelId: binding.auditChannelId,
      message: { embeds: [embed.toJSON() as Record<string, unknown>], allowed_mentions: { parse: [] } },
    })
    .catch((error: unknown) => deps.logger.error({ err: error, guildId: binding.guildId, entryId: entry.id }, 'XP undo audit record not queued'));
}

/** `/xp undo entry:` autocomplete: the user's own changes still inside the undo window, newest first. */
export async function undoableChoices(guildId: string | null, userId: string, typed: string, deps: BotDeps): Promise<Array<{ name: string; value: string }>> {
  if (!guildId) return [];
  const binding = await deps.bindings.get(guildId);
  if (!binding) return [];
  const since = Date.now() - deps.config.experience.undoWindowSeconds * 1000;
  const found: LedgerEntry[] = [];
  for await (const entry of ledgerEntries(deps, binding.companyId, { actorDiscordId: userId, since })) {
    if (entry.kind !== 'undo') found.push(entry);
    if (found.length >= 50) break;
  }
  const undone = await undoneBy(deps, binding.companyId, found.map((e) => e.id));
  const needle = typed.trim().toLowerCase();
  return found
    .filter((entry, i) => undone[i] === null)
    .map((entry) => ({ name: entryChoiceName(entry), value: entry.id }))
    .filter((choice) => !needle || choice.name.toLowerCase().includes(needle) || choice.value.includes(needle))
    .slice(0, 25);
}

/** Marks the public record of a change undone: its title struck through, who undid it and the balance now. */
function markedRecord(record: EmbedBuilder, undoerId: string, applied: AppliedChange): EmbedBuilder {
  const title = record.data.title;
  if (title) record.setTitle(`~~${title}~~ — undone`.slice(0, 256));
  return record.setColor(0x747f8d).addFields({
    name: 'Undone',
    value: `by <@${undoerId}> <t:${Math.floor(Date.now() / 1000)}:R> · now **${applied.after.xp_current} XP** available`,
  });
}

/** `/xp undo entry:`: the undo's record as the answer; the change's own record is marked too while it can be edited. */
export async function undoFromCommand(origin: UndoOrigin, entryId: string, deps: BotDeps): Promise<ReplyMessage> {
  const { entry, applied, embed } = await undoChange(origin, entryId, deps);
  const binding = await requireBinding(origin, deps);
  await markRecord(binding.companyId, entry.id, (record) => markedRecord(record, origin.user.id, applied), deps);
  return { embeds: [embed], allowedMentions: { parse: [] }, ephemeral: false };
}

export const undoRoutes: readonly ComponentRoute[] = [
  componentRoute(undoId, async (interaction, { e }, deps) => {
    const { applied, embed } = await undoChange({ interactionId: interaction.id, guildId: interaction.guildId, user: interaction.user }, e, deps);
    const shown = interaction.isMessageComponent() ? interaction.message.embeds[0] : undefined;
    const record = shown ? markedRecord(EmbedBuilder.from(shown), interaction.user.id, applied) : embed;
    return { update: { embeds: [record], components: [], allowedMentions: { parse: [] } } };
  }),
];

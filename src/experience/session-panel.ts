/**
 * What a session award shows: the panel with its select menus and Confirm button, the progress line
 * while the grants land, the final summary (granted, left out, skipped and failed with why), and the
 * public record for the channel.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, StringSelectMenuBuilder, type APIEmbed } from 'discord.js';
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import { defineCustomId } from '../discord/custom-id.js';
import type { ReplyMessage } from '../discord/types.js';
import { SessionMemberSchema, SessionSourceSchema, SkippedMemberSchema, type SessionMember } from './session-members.js';

/** Members per select menu (Discord's most options), and select menus on the panel (one row stays for the button). */
export const SELECT_PAGE = 25;

/** A session award as its panel keeps it in Redis until Confirm (and as its job carries it after). */
export const SessionAwardSchema = z.object({
  interactionId: snowflake,
  guildId: snowflake,
  channelId: snowflake.nullable(),
  actorDiscordId: snowflake,
  amount: z.number().int().min(1),
  campaign: z.object({ id: z.string().uuid(), name: z.string() }),
  reason: z.string().nullable(),
  source: SessionSourceSchema,
  members: z.array(SessionMemberSchema).max(100),
  skipped: z.array(SkippedMemberSchema),
  leftOut: z.array(snowflake),
});
export type SessionAward = z.infer<typeof SessionAwardSchema>;

/** What became of one member's grant. */
export const GrantOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('granted') }),
  z.object({ status: z.literal('failed'), why: z.string() }),
]);
export type GrantOutcome = z.infer<typeof GrantOutcomeSchema>;

export const omitId = defineCustomId('xp.session.omit', z.object({ i: snowflake, p: z.number().int().min(0).max(3) }));
export const startId = defineCustomId('xp.session.go', z.object({ i: snowflake }));

const COLOR = 0x8e44ad;
const DESCRIPTION_MAX = 4000;

const mentions = (list: readonly SessionMember[]) => list.map((m) => `<@${m.id}>`).join(', ');
export const granted = (session: SessionAward) => session.members.filter((m) => !session.leftOut.includes(m.id));
const leftOut = (session: SessionAward) => session.members.filter((m) => session.leftOut.includes(m.id));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const where = (session: SessionAward) => (session.source.kind === 'voice' ? `<#${session.source.id}>` : `<@&${session.source.id}>`);

/**
 * Joins sections, cutting a section that does not fit at a line (or a mention) and the ones after it,
 * rather than going over Discord's embed limit.
 */
function fit(sections: string[]): string {
  let text = '';
  for (const section of sections) {
    const next = text ? `${text}\n\n${section}` : section;
    if (next.length <= DESCRIPTION_MAX) {
      text = next;
      continue;
    }
    const room = DESCRIPTION_MAX - text.length - 40;
    const cut = section.slice(0, Math.max(0, room));
    const end = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(', '));
    return `${text}${text ? '\n\n' : ''}${end > 0 ? cut.slice(0, end) : ''}\n…and more than fits here.`;
  }
  return text;
}

function header(session: SessionAward): string {
  const reason = session.reason ? ` — ${session.reason}` : '';
  return `**+${session.amount} XP** each in *${session.campaign.name}*${reason}\nMembers of ${where(session)}.`;
}

const skippedLines = (session: SessionAward) =>
  session.skipped.length === 0 ? [] : [`**Skipped (${session.skipped.length})**\n${session.skipped.map((s) => `• <@${s.id}> ${s.why}`).join('\n')}`];

/** The panel: who will get it, who is left out, who is skipped; select menus to leave members out; Confirm. */
export function panelMessage(session: SessionAward, expiresAt: number): ReplyMessage {
  const will = granted(session);
  const out = leftOut(session);
  const sections = [header(session)];
  sections.push(will.length ? `**Will get ${session.amount} XP (${will.length})**\n${mentions(will)}` : '**Nobody is chosen yet.**');
  if (out.length) sections.push(`**Left out (${out.length})**\n${mentions(out)}`);
  sections.push(...skippedLines(session));
  sections.push(`Pick members in the menus to leave them out. Only you can use this panel; it expires <t:${Math.floor(expiresAt / 1000)}:R>.`);
  const embed = new EmbedBuilder().setColor(COLOR).setTitle('Session award').setDescription(fit(sections));

  const rows: Array<ActionRowBuilder<StringSelectMenuBuilder> | ActionRowBuilder<ButtonBuilder>> = [];
  for (let page = 0; page * SELECT_PAGE < session.members.length; page += 1) {
    const members = session.members.slice(page * SELECT_PAGE, (page + 1) * SELECT_PAGE);
    const range = session.members.length > SELECT_PAGE ? ` (${page * SELECT_PAGE + 1}–${page * SELECT_PAGE + members.length})` : '';
    const select = new StringSelectMenuBuilder()
      .setCustomId(omitId.encode({ i: session.interactionId, p: page }))
      .setPlaceholder(`Leave out…${range}`)
      .setMinValues(0)
      .setMaxValues(members.length)
      .addOptions(members.map((m) => ({ label: m.name || m.id, value: m.id, default: session.leftOut.includes(m.id) })));
    rows.push(new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select));
  }
  const confirm = new ButtonBuilder()
    .setCustomId(startId.encode({ i: session.interactionId }))
    .setLabel(will.length ? `Grant ${session.amount} XP to ${plural(will.length, 'member')}` : 'Nobody to grant')
    .setStyle(ButtonStyle.Success)
    .setDisabled(will.length === 0);
  rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(confirm));
  return { embeds: [embed], components: rows, allowedMentions: { parse: [] }, ephemeral: true };
}

type Results = ReadonlyMap<string, GrantOutcome>;

/** While the grants land: how many so far, and what went wrong already. */
export function progressMessage(session: SessionAward, results: Results): ReplyMessage {
  const will = granted(session);
  const done = will.filter((m) => results.has(m.id)).length;
  const failed = will.filter((m) => results.get(m.id)?.status === 'failed').length;
  const line = `⏳ Granting… **${done} of ${will.length}** done${failed ? ` (${failed} failed)` : ''}. Grants are paced to stay within Valentina's rate limit.`;
  const embed = new EmbedBuilder().setColor(COLOR).setTitle('Session award').setDescription(fit([header(session), line]));
  return { embeds: [embed], components: [], allowedMentions: { parse: [] } };
}

/** The final summary for the storyteller: granted, left out, skipped and failed, each with why. */
export function summaryMessage(session: SessionAward, results: Results): ReplyMessage {
  const will = granted(session);
  const ok = will.filter((m) => results.get(m.id)?.status === 'granted');
  const failed = will.flatMap((m) => {
    const outcome = results.get(m.id);
    return outcome?.status === 'failed' ? [`• <@${m.id}> ${outcome.why}`] : [];
  });
  const sections = [header(session)];
  sections.push(ok.length ? `**Granted ${session.amount} XP (${ok.length})**\n${mentions(ok)}` : '**Nobody was granted XP.**');
  if (failed.length) sections.push(`**Failed (${failed.length})**\n${failed.join('\n')}`);
  const out = leftOut(session);
  if (out.length) sections.push(`**Left out (${out.length})**\n${mentions(out)}`);
  sections.push(...skippedLines(session));
  const title = failed.length ? `Session award done: ${ok.length} granted, ${failed.length} failed` : `Session award done: ${plural(ok.length, 'member')} granted`;
  const embed = new EmbedBuilder().setColor(failed.length ? 0xe67e22 : 0x2ecc71).setTitle(title).setDescription(fit(sections));
  return { embeds: [embed], components: [], allowedMentions: { parse: [] } };
}

/** The record the table sees (and the audit channel keeps): who got how much, by whom, why. */
export function publicRecord(session: SessionAward, results: Results): APIEmbed | null {
  const ok = granted(session).filter((m) => results.get(m.id)?.status === 'granted');
  if (ok.length === 0) return null;
  const embed = new EmbedBuilder()
    .setColor(COLOR)
    .setTitle(`Session award: +${session.amount} XP for ${plural(ok.length, 'player')}`)
    .setDescription(fit([`<@${session.actorDiscordId}> gave **${session.amount} XP** each in *${session.campaign.name}* to ${mentions(ok)}.`]));
  if (session.reason) embed.addFields({ name: 'Reason', value: session.reason.slice(0, 1024) });
  return embed.toJSON();
}

/**
 * `/xp history` and the "XP history" member menu: the company's XP ledger, newest first, a page at a
 * time, filtered by player and campaign, or as a CSV file. Players see the changes to their own
 * experience only; storytellers and admins see everyone's. The buttons carry the filters and the
 * page, and every click checks again who may see what.
 */
import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import { z } from 'zod';
import { componentRoute } from '../discord/components.js';
import { defineCustomId } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import { snowflake } from '../discord/snowflake.js';
import type { BotDeps, ComponentRoute, ReplyMessage } from '../discord/types.js';
import { requireActor, requireBinding } from '../identity/context.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import { pickCampaign } from './campaign.js';
import { ledgerCsv } from './csv.js';
import { ledgerEntries, ledgerPage, undoneBy, type LedgerEntry, type LedgerFilter } from './ledger.js';
import { historyLine } from './ledger-format.js';

export const PAGE_SIZE = 10;
/** The most rows one export holds: well inside Discord's 10 MiB per file, even with long reasons. */
export const EXPORT_MAX_ROWS = 20_000;

export const OTHERS_REFUSED = "You can see only your own XP history; storytellers and admins see everyone's. Leave out the user, or pick yourself.";

/** `u`: whose changes (empty: everyone's the viewer may see); `c`: one campaign; `p`: the page from 0. */
export const historyPageId = defineCustomId(
  'xp.hist',
  z.object({ u: snowflake.optional(), c: z.string().uuid().optional(), p: z.number().int().min(0).max(9999) }),
);

export interface HistoryQuery {
  guildId: string | null;
  viewer: { id: string };
  /** The member asked about, or null for everyone the viewer may see. */
  member: { id: string } | null;
  /** A campaign as typed or picked (id or name), or null for all. */
  campaign: string | null;
  page: number;
}

interface Resolved {
  binding: GuildBinding;
  filter: LedgerFilter;
  /** Whose history the page shows, for its title: a member, or the whole company. */
  memberId: string | null;
  campaignName: string | null;
}

/** Who may see what: a player only their own changes; staff anyone's (or everyone's). */
async function resolveQuery(query: HistoryQuery, deps: BotDeps): Promise<Resolved> {
  const binding = await requireBinding(query, deps);
  const { actor } = await requireActor({ guildId: query.guildId, user: query.viewer }, deps);
  const staff = actor.role === 'ADMIN' || actor.role === 'STORYTELLER';
  if (!staff && query.member && query.member.id !== query.viewer.id) throw new UserError(OTHERS_REFUSED);
  const memberId = staff ? (query.member?.id ?? null) : query.viewer.id;
  const campaign = query.campaign ? pickCampaign(query.campaign, await deps.directory.campaigns(binding.companyId), binding) : null;
  return { binding, filter: { targetDiscordId: memberId ?? undefined, campaignId: campaign?.id }, memberId, campaignName: campaign?.name ?? null };
}

/** One page of history as an ephemeral message with Newer/Older buttons. */
export async function historyMessage(query: HistoryQuery, deps: BotDeps): Promise<ReplyMessage> {
  const { binding, filter, memberId, campaignName } = await resolveQuery(query, deps);
  const pages = async (page: number) => ledgerPage(deps, binding.companyId, filter, page, PAGE_SIZE);
  let page = query.page;
  let { entries, total } = await pages(page);
  const last = Math.max(0, Math.ceil(total / PAGE_SIZE) - 1);
  if (page > last) ({ entries, total } = await pages((page = last)));
  const undone = await undoneBy(deps, binding.companyId, entries.map((e) => e.id));

  const whose = memberId ? `<@${memberId}>` : `everyone in **${binding.companyName}**`;
  const where = campaignName ? ` in *${campaignName}*` : '';
  const embed = new EmbedBuilder()
    .setColor(0x7a1f2b)
    .setTitle('XP history')
    .setDescription(
      total === 0
        ? `No XP changes recorded for ${whose}${where} yet (the ledger keeps ${deps.config.experience.ledgerRetentionDays} days).`
        : `Changes to ${whose}${where}, newest first:\n\n${entries.map((e, i) => historyLine(e, undone[i] ?? null, !memberId)).join('\n')}`.slice(0, 4096),
    )
    .setFooter({ text: `Page ${page + 1} of ${last + 1} · ${total} change${total === 1 ? '' : 's'}` });
  const ids = { u: memberId ?? undefined, c: filter.campaignId };
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(historyPageId.encode({ ...ids, p: Math.max(0, page - 1) })).setLabel('◀ Newer').setStyle(ButtonStyle.Secondary).setDisabled(page === 0),
    new ButtonBuilder().setCustomId(historyPageId.encode({ ...ids, p: Math.min(9999, page + 1) })).setLabel('Older ▶').setStyle(ButtonStyle.Secondary).setDisabled(page >= last),
  );
  return { embeds: [embed], components: total > PAGE_SIZE ? [row] : [], allowedMentions: { parse: [] }, ephemeral: true };
}

/** The history the query may see, as a CSV attachment. */
export async function historyExport(query: HistoryQuery, deps: BotDeps): Promise<ReplyMessage> {
  const { binding, filter, memberId, campaignName } = await resolveQuery(query, deps);
  const entries: LedgerEntry[] = [];
  for await (const entry of ledgerEntries(deps, binding.companyId, filter)) {
    entries.push(entry);
    if (entries.length >= EXPORT_MAX_ROWS) break;
  }
  const undone: Array<string | null> = [];
  for (let i = 0; i < entries.length; i += 500) undone.push(...(await undoneBy(deps, binding.companyId, entries.slice(i, i + 500).map((e) => e.id))));
  const csv = Buffer.from(ledgerCsv(entries, undone), 'utf8');
  const name = `xp-ledger-${new Date().toISOString().slice(0, 10)}.csv`;
  const whose = memberId ? `<@${memberId}>` : `everyone in **${binding.companyName}**`;
  const capped = entries.length >= EXPORT_MAX_ROWS ? ` (the newest ${EXPORT_MAX_ROWS}; narrow it by player or campaign for the rest)` : '';
  return {
    content: `XP ledger of ${whose}${campaignName ? ` in *${campaignName}*` : ''}: ${entries.length} change${entries.length === 1 ? '' : 's'}${capped}, newest first.`,
    files: [new AttachmentBuilder(csv, { name, description: 'XP ledger export' })],
    allowedMentions: { parse: [] },
    ephemeral: true,
  };
}

export const historyRoutes: readonly ComponentRoute[] = [
  componentRoute(historyPageId, async (interaction, { u, c, p }, deps) => ({
    update: await historyMessage({ guildId: interaction.guildId, viewer: interaction.user, member: u ? { id: u } : null, campaign: c ?? null, page: p }, deps),
  })),
];

/** The approval request storytellers see, and the same message once it has been decided. */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  StringSelectMenuBuilder,
  type APIEmbed,
} from 'discord.js';
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';
import type { User } from '../valentina/index.js';

const uuid = z.string().uuid();
export const approveId = defineCustomId('appr.ok', z.object({ c: uuid, u: uuid, r: z.enum(['P', 'S']) }));
export const denyId = defineCustomId('appr.no', z.object({ c: uuid, u: uuid }));
export const mergeId = defineCustomId('appr.merge', z.object({ c: uuid, u: uuid }));
export const repostId = defineCustomId('appr.repost', z.object({ c: uuid, u: uuid }));

export const PENDING_COLOUR = 0xfaa61a;
export const OUTCOME_COLOURS = { approved: 0x3ba55d, denied: 0xed4245, merged: 0x5865f2, gone: 0x8e9297 } as const;
export type Outcome = keyof typeof OUTCOME_COLOURS;

export function requestEmbed(user: User, companyName: string, showEmail: boolean): EmbedBuilder {
  const discord = user.discord_profile;
  const embed = new EmbedBuilder()
    .setColor(PENDING_COLOUR)
    .setTitle(`New player waiting for approval in ${companyName}`.slice(0, 256))
    .addFields(
      { name: 'Discord', value: discord ? `<@${discord.id}> (${discord.username ?? 'unknown'})` : 'no Discord account', inline: true },
      { name: 'Valentina username', value: user.username, inline: true },
      { name: 'Linked', value: `<t:${Math.floor(Date.parse(user.date_created) / 1000)}:R>`, inline: true },
    )
    .setFooter({ text: 'Admins of the company decide here. Merge if this person already has an account.' });
  if (showEmail) embed.addFields({ name: 'Email', value: user.email });
  const avatar = user.avatar_url ?? discord?.avatar_url ?? null;
  if (avatar) embed.setThumbnail(avatar);
  return embed;
}

export interface MergeTarget {
  id: string;
  username: string;
  role: string;
  hasDiscord: boolean;
}

/** Accounts a newcomer may be merged into: those without Discord first (the likely duplicates), at most 25. */
export function pickMergeTargets(users: readonly MergeTarget[], applicantId: string): MergeTarget[] {
  return users
    .filter((u) => u.id !== applicantId && u.role !== 'UNAPPROVED' && u.role !== 'DEACTIVATED')
    .sort((a, b) => Number(a.hasDiscord) - Number(b.hasDiscord) || a.username.localeCompare(b.username))
    .slice(0, 25);
}

export function requestComponents(companyId: string, userId: string, mergeTargets: readonly MergeTarget[]) {
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(approveId.encode({ c: companyId, u: userId, r: 'P' })).setLabel('Approve as player').setStyle(ButtonStyle.Success),
    new ButtonBuilder().setCustomId(approveId.encode({ c: companyId, u: userId, r: 'S' })).setLabel('Approve as storyteller').setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setCustomId(denyId.encode({ c: companyId, u: userId })).setLabel('Deny').setStyle(ButtonStyle.Danger),
  );
  const rows: Array<ActionRowBuilder<ButtonBuilder> | ActionRowBuilder<StringSelectMenuBuilder>> = [buttons];
  if (mergeTargets.length > 0) {
    rows.push(
      new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
        new StringSelectMenuBuilder()
          .setCustomId(mergeId.encode({ c: companyId, u: userId }))
          .setPlaceholder('Merge into…')
          .addOptions(
            mergeTargets.slice(0, 25).map((t) => ({
              label: t.username.slice(0, 100),
              value: t.id,
              description: `${t.role.toLowerCase()} · ${t.hasDiscord ? 'already has a Discord account' : 'no Discord account yet'}`,
            })),
          ),
      ),
    );
  }
  return rows;
}

/** The request, decided: the outcome, who decided and when; no buttons left. */
export function decidedEmbed(original: APIEmbed | undefined, outcome: Outcome, line: string, at: Date = new Date()): EmbedBuilder {
  const embed = new EmbedBuilder(original ?? {}).setColor(OUTCOME_COLOURS[outcome]);
  return embed.setDescription(`${line} · <t:${Math.floor(at.getTime() / 1000)}:f>`).setFooter(null);
}

/** What the table sees after an XP change, and what `/xp show` prints. Pure functions of their inputs. */
import { EmbedBuilder } from 'discord.js';
import type { CampaignExperience } from '../valentina/index.js';

export type XpChangeKind = 'xp-add' | 'xp-remove' | 'cp-add';

export const XP_COLOURS: Record<XpChangeKind, number> = { 'xp-add': 0x3ba55d, 'xp-remove': 0xed4245, 'cp-add': 0xf0b232 };

export interface XpChange {
  kind: XpChangeKind;
  /** A player spending their own XP, or an undo: said so in the headline. */
  purpose?: 'spend' | 'undo' | undefined;
  actorId: string;
  targetId: string;
  targetName: string;
  amount: number;
  campaignName: string;
  reason: string | null;
  before: Pick<CampaignExperience, 'xp_current' | 'xp_total' | 'cool_points'> | null;
  after: CampaignExperience;
}

function headline(change: XpChange): { title: string; verb: string } {
  if (change.purpose === 'spend') return { title: `−${change.amount} XP spent by ${change.targetName}`, verb: `spent **${change.amount} XP**` };
  if (change.kind === 'xp-add') return { title: `+${change.amount} XP for ${change.targetName}`, verb: `gave <@${change.targetId}> **${change.amount} XP**` };
  if (change.kind === 'xp-remove') return { title: `−${change.amount} XP for ${change.targetName}`, verb: `spent **${change.amount} XP** of <@${change.targetId}>` };
  const worth = change.before ? change.after.xp_total - change.before.xp_total : null;
  const points = `${change.amount} cool point${change.amount === 1 ? '' : 's'}`;
  return {
    title: `+${points} for ${change.targetName}`,
    verb: `gave <@${change.targetId}> **${points}**${worth !== null ? ` (worth ${worth} XP)` : ''}`,
  };
}

/** `20 → 25` when the balance before is known and differs, else the balance after. */
function beforeAfter(change: XpChange, field: 'xp_current' | 'xp_total' | 'cool_points'): string {
  const after = change.after[field];
  return change.before && change.before[field] !== after ? `${change.before[field]} → ${after}` : String(after);
}

export function xpChangeEmbed(change: XpChange, at: Date = new Date()): EmbedBuilder {
  const { title, verb } = headline(change);
  const embed = new EmbedBuilder()
    .setColor(XP_COLOURS[change.kind])
    .setTitle(title.slice(0, 256))
    .setDescription(`<@${change.actorId}> ${verb} in *${change.campaignName}*.`)
    .addFields(
      { name: 'Available XP', value: beforeAfter(change, 'xp_current'), inline: true },
      { name: 'Total XP', value: beforeAfter(change, 'xp_total'), inline: true },
      { name: 'Cool points', value: beforeAfter(change, 'cool_points'), inline: true },
    )
    .setTimestamp(at);
  if (change.reason) embed.addFields({ name: 'Reason', value: change.reason.slice(0, 1024) });
  return embed;
}

export interface CampaignBalance {
  campaignName: string;
  experience: Pick<CampaignExperience, 'xp_current' | 'xp_total' | 'cool_points'>;
}

export function xpShowEmbed(targetName: string, companyName: string, balances: CampaignBalance[], lifetime?: { xp: number; coolPoints: number }): EmbedBuilder {
  const embed = new EmbedBuilder().setColor(0x7a1f2b).setTitle(`Experience — ${targetName}`.slice(0, 256));
  if (balances.length === 0) {
    return embed.setDescription(`No experience recorded in **${companyName}** yet.`);
  }
  embed.setDescription(`**${companyName}**`);
  for (const { campaignName, experience: e } of balances.slice(0, 25)) {
    embed.addFields({
      name: campaignName.slice(0, 256),
      value: `**${e.xp_current}** XP available · ${e.xp_total} total · ${e.cool_points} cool point${e.cool_points === 1 ? '' : 's'}`,
    });
  }
  if (lifetime) embed.setFooter({ text: `Lifetime: ${lifetime.xp} XP · ${lifetime.coolPoints} cool point${lifetime.coolPoints === 1 ? '' : 's'}` });
  return embed;
}

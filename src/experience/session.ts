/**
 * `/xp session`: the same XP for everyone at the table. The command lists the members in a voice
 * channel (or holding a role) that are linked to the company, on a private panel where the storyteller
 * leaves anyone out with select menus and starts the award with one Confirm button; a claim taken
 * atomically lets exactly one click start it. The grants then run in a BullMQ job (session-run.ts).
 *
 * The panel is ephemeral: choosing who is left out is the storyteller's business, it keeps half-made
 * lists out of the channel, and only its author can click it anyway. The table sees the outcome: when
 * the grants are done, a public record of who got what goes to the channel (and the audit channel).
 */
import type { ChatInputCommandInteraction } from 'discord.js';
import { componentRoute } from '../discord/components.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ComponentInteraction, ComponentReply, ComponentRoute, ReplyMessage } from '../discord/types.js';
import { requireActor, requireBinding } from '../identity/context.js';
import { chooseCampaign } from './campaign.js';
import { validAmount } from './change.js';
import { PERMISSION_MESSAGES } from './write.js';
import { sessionMembers, sessionSource } from './session-members.js';
import { granted, omitId, panelMessage, SELECT_PAGE, SessionAwardSchema, startId, type SessionAward } from './session-panel.js';
import { enqueueSession } from './session-run.js';
import { parseJson } from '../redis.js';

/** How long the panel works: the command's interaction token lives 15 minutes. */
export const PANEL_TTL_SECONDS = 14 * 60;
/** How long a started award is remembered, so a late second click is told what happened. */
const CLAIM_TTL_SECONDS = 24 * 3600;

/** `/xp session`: the panel, or why not. */
export async function sessionPanel(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const binding = await requireBinding(interaction, deps);
  const amount = validAmount(interaction.options.getInteger('amount', true), 'xp-add');
  const { actor } = await requireActor(interaction, deps);
  // Valentina decides each grant; asking first spares a player a panel that could only fail.
  const setting = (await deps.directory.companySummary(binding.companyId)).permissionGrantXp;
  if (actor.role === 'PLAYER' && setting !== 'UNRESTRICTED') {
    throw new UserError(PERMISSION_MESSAGES[setting] ?? 'Valentina does not let you grant XP to other players in this company. Ask a storyteller or an admin.');
  }
  const campaign = await chooseCampaign(interaction.options.getString('campaign'), binding, deps.directory);
  const source = sessionSource(interaction);
  const { members, skipped } = await sessionMembers(interaction, source, binding, deps);
  if (members.length === 0 && skipped.length === 0) {
    throw new UserError(source.kind === 'voice' ? `Nobody is in <#${source.id}> right now.` : `Nobody has the role <@&${source.id}>.`);
  }
  const session: SessionAward = {
    interactionId: interaction.id,
    guildId: binding.guildId,
    channelId: interaction.channelId,
    actorDiscordId: interaction.user.id,
    amount,
    campaign,
    reason: interaction.options.getString('reason')?.trim() || null,
    source,
    members,
    skipped,
    // Whoever runs the award is left out at first: a storyteller rarely grants themselves.
    leftOut: members.some((m) => m.id === interaction.user.id) ? [interaction.user.id] : [],
  };
  await deps.redis.set(deps.keys.experience.session(session.interactionId), JSON.stringify(session), 'EX', PANEL_TTL_SECONDS);
  return panelMessage(session, interaction.createdTimestamp + PANEL_TTL_SECONDS * 1000);
}

/** The waiting session of a panel, for its author only. */
async function waitingSession(interaction: ComponentInteraction, interactionId: string, deps: BotDeps): Promise<SessionAward> {
  const raw = await deps.redis.get(deps.keys.experience.session(interactionId));
  if (raw === null) {
    if (await deps.redis.exists(deps.keys.experience.sessionClaim(interactionId))) throw new UserError('This session award was already started — its progress shows on this panel.');
    throw new UserError(`This panel expired after ${PANEL_TTL_SECONDS / 60} minutes, so nobody was granted anything. Run \`/xp session\` again.`);
  }
  const award = parseJson(raw, SessionAwardSchema);
  if (!award) throw new UserError('This panel can no longer be read, so nobody was granted anything. Run `/xp session` again.');
  if (interaction.user.id !== award.actorDiscordId) throw new UserError(`Only <@${award.actorDiscordId}>, who opened this session award, can use it.`);
  return award;
}

const panelExpiry = (interactionId: string, deps: BotDeps) => deps.redis.pttl(deps.keys.experience.session(interactionId)).then((ms) => Date.now() + Math.max(0, ms));

/** A select menu changed: its page's members are left out exactly as picked. */
async function omit(interaction: ComponentInteraction, interactionId: string, page: number, deps: BotDeps): Promise<ComponentReply> {
  const session = await waitingSession(interaction, interactionId, deps);
  const pageIds = new Set(session.members.slice(page * SELECT_PAGE, (page + 1) * SELECT_PAGE).map((m) => m.id));
  const picked = interaction.isStringSelectMenu() ? interaction.values : [];
  const updated: SessionAward = {
    ...session,
    leftOut: [...session.leftOut.filter((id) => !pageIds.has(id)), ...picked.filter((id) => pageIds.has(id))],
  };
  await deps.redis.set(deps.keys.experience.session(interactionId), JSON.stringify(updated), 'KEEPTTL');
  return { update: panelMessage(updated, await panelExpiry(interactionId, deps)) };
}

/** Confirm: claimed once, then the job takes over and this panel shows its progress. */
async function start(interaction: ComponentInteraction, interactionId: string, deps: BotDeps): Promise<ComponentReply> {
  const session = await waitingSession(interaction, interactionId, deps);
  const binding = await requireBinding(interaction, deps);
  if (binding.guildId !== session.guildId) throw new UserError('This session award belongs to another server.');
  if (granted(session).length === 0) throw new UserError('Everyone is left out, so there is nobody to grant XP to. Change the menus first.');
  const claimKey = deps.keys.experience.sessionClaim(interactionId);
  if ((await deps.redis.set(claimKey, interaction.id, 'EX', CLAIM_TTL_SECONDS, 'NX')) !== 'OK') {
    throw new UserError('This session award was already started — its progress shows on this panel.');
  }
  try {
    const progress = await enqueueSession(session, { applicationId: interaction.applicationId, token: interaction.token, createdTimestamp: interaction.createdTimestamp }, deps);
    await deps.redis.del(deps.keys.experience.session(interactionId));
    return { update: progress };
  } catch (error) {
    // Not queued: nothing was granted, and the button works again.
    await deps.redis.del(claimKey);
    throw error;
  }
}

export const sessionRoutes: readonly ComponentRoute[] = [
  componentRoute(omitId, (interaction, { i, p }, deps) => omit(interaction, i, p, deps)),
  componentRoute(startId, (interaction, { i }, deps) => start(interaction, i, deps)),
];

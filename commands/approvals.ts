/**
 * `/approvals pending` — new players waiting in this server's company, with a button to post a
 * request again; and the buttons of the approval requests the bot posts.
 */
import {
  ActionRowBuilder,
  ApplicationIntegrationType,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  InteractionContextType,
  SlashCommandBuilder,
} from 'discord.js';
import { decide } from '../src/approvals/decide.js';
import { approveId, denyId, mergeId, repostId } from '../src/approvals/message.js';
import { approvalJobId, approvalKeys } from '../src/approvals/queue.js';
import { approvalQueueFor } from '../src/approvals/registry.js';
import { componentRoute } from '../src/discord/components.js';
import { UserError } from '../src/discord/errors.js';
import type { CommandModule } from '../src/discord/types.js';
import { requireBinding, withActor } from '../src/identity/context.js';

const ADMINS_ONLY = (company: string) => `Only admins of **${company}** can see and decide pending approvals (Valentina lists unapproved users to admins only).`;

export const approvals: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('approvals')
    .setDescription('New players waiting for approval')
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((sub) => sub.setName('pending').setDescription('List who is waiting, and post their requests again')),
  visibility: 'ephemeral',

  async execute(interaction, deps) {
    const binding = await requireBinding(interaction, deps);
    return withActor(interaction, deps, async (actor) => {
      if (actor.role !== 'ADMIN') throw new UserError(ADMINS_ONLY(binding.companyName));
      const waiting = await deps.valentina.users.listUnapproved(binding.companyId, { onBehalfOf: actor.userId });
      const keys = approvalKeys(deps.config.redis.prefix);
      const failed = (await approvalQueueFor(deps).queue.getFailed()).filter((job) => String(job.id).startsWith(`approval_${binding.companyId}_`));
      const lines = await Promise.all(
        waiting.map(async (user) => {
          const posted = await deps.redis.hexists(keys.posted({ companyId: binding.companyId, userId: user.id }), binding.guildId);
          const stuck = failed.some((job) => job.id === approvalJobId({ companyId: binding.companyId, userId: user.id }));
          return `• **${user.username}**${user.discord_profile ? ` (<@${user.discord_profile.id}>)` : ''} — ${posted ? `request in <#${binding.approvalsChannelId}>` : stuck ? 'posting failed; press re-post' : 'not posted yet'}`;
        }),
      );
      const embed = new EmbedBuilder()
        .setColor(0xfaa61a)
        .setTitle(`Waiting for approval in ${binding.companyName}`)
        .setDescription(lines.join('\n').slice(0, 4096) || 'Nobody is waiting.');
      const buttons = waiting.slice(0, 5).map((user) =>
        new ButtonBuilder().setCustomId(repostId.encode({ c: binding.companyId, u: user.id })).setLabel(`Re-post ${user.username}`.slice(0, 80)).setStyle(ButtonStyle.Secondary),
      );
      return { embeds: [embed], components: buttons.length > 0 ? [new ActionRowBuilder<ButtonBuilder>().addComponents(buttons)] : [] };
    });
  },

  components: [
    componentRoute(approveId, (interaction, { c, u, r }, deps) =>
      decide(interaction, { companyId: c, userId: u }, { kind: 'approve', role: r === 'P' ? 'PLAYER' : 'STORYTELLER' }, deps),
    ),
    componentRoute(denyId, (interaction, { c, u }, deps) => decide(interaction, { companyId: c, userId: u }, { kind: 'deny' }, deps)),
    componentRoute(mergeId, (interaction, { c, u }, deps) => {
      const primaryUserId = interaction.isStringSelectMenu() ? interaction.values[0] : undefined;
      if (!primaryUserId) throw new UserError('Pick the existing account to merge into.');
      return decide(interaction, { companyId: c, userId: u }, { kind: 'merge', primaryUserId }, deps);
    }),
    componentRoute(repostId, async (interaction, { c, u }, deps) => {
      const binding = await requireBinding(interaction, deps);
      if (c !== binding.companyId) throw new UserError('This button belongs to another company.');
      return withActor(interaction, deps, async (actor) => {
        if (actor.role !== 'ADMIN') throw new UserError(ADMINS_ONLY(binding.companyName));
        const job = { companyId: c, userId: u };
        await deps.redis.hdel(approvalKeys(deps.config.redis.prefix).posted(job), binding.guildId);
        const queue = approvalQueueFor(deps);
        const existing = await queue.queue.getJob(approvalJobId(job));
        if (existing && !(await existing.isActive())) await existing.remove();
        await queue.enqueue(job);
        return { reply: { content: `The request will be posted again in <#${binding.approvalsChannelId}>.`, ephemeral: true } };
      });
    }),
  ],
};

/**
 * `/approvals pending` — new players waiting in this server's company, with buttons to post a request
 * again; and the buttons of the approval requests the bot posts (approve, deny, merge).
 */
import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { decide } from '../src/approvals/decide.js';
import { approveId, denyId, mergeId, repostId } from '../src/approvals/message.js';
import { pendingReply, repostRequest } from '../src/approvals/pending.js';
import { componentRoute } from '../src/discord/components.js';
import { UserError } from '../src/discord/errors.js';
import type { CommandModule } from '../src/discord/types.js';
import { requireBinding, withActor } from '../src/identity/context.js';

const MergeChoice = z.string().uuid();

export const approvals: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('approvals')
    .setDescription('New players waiting for approval')
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((sub) => sub.setName('pending').setDescription('Who is waiting for approval, with buttons to post their requests again')),
  visibility: 'ephemeral',
  audience: 'Storytellers and admins of the company',
  howToCheck: 'Look at the request in the approvals channel (or `/approvals pending`) before you decide again.',

  async execute(interaction, deps) {
    const binding = await requireBinding(interaction, deps);
    return withActor(interaction, deps, (actor) => pendingReply(actor, binding, deps));
  },

  components: [
    componentRoute(approveId, (interaction, { c, u, r }, deps) =>
      decide(interaction, { companyId: c, userId: u }, { kind: 'approve', role: r === 'P' ? 'PLAYER' : 'STORYTELLER' }, deps),
    ),
    componentRoute(denyId, (interaction, { c, u }, deps) => decide(interaction, { companyId: c, userId: u }, { kind: 'deny' }, deps)),
    componentRoute(mergeId, (interaction, { c, u }, deps) => {
      const choice = MergeChoice.safeParse(interaction.isStringSelectMenu() ? interaction.values[0] : undefined);
      if (!choice.success) throw new UserError('Pick the existing account to merge into from the list.');
      return decide(interaction, { companyId: c, userId: u }, { kind: 'merge', primaryUserId: choice.data }, deps);
    }),
    componentRoute(repostId, async (interaction, { c, u }, deps) => {
      const binding = await requireBinding(interaction, deps);
      if (c !== binding.companyId) throw new UserError(`This button belongs to another company, not **${binding.companyName}**.`);
      return { reply: await withActor(interaction, deps, (actor) => repostRequest(actor, binding, u, interaction.id, deps)) };
    }),
  ],
};

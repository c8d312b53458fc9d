/** `/ping` — shows that the bot is awake and how quickly Discord and the bot talk to each other. */
import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../src/discord/types.js';

export const ping: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('ping')
    .setDescription('Check that the bot is awake and how fast it answers')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall),
  visibility: 'ephemeral',

  async execute(interaction) {
    const heartbeat = interaction.client.ws.ping;
    // Discord stamps the interaction id with its creation time; clocks may disagree by a little.
    const delivery = Math.max(0, Date.now() - interaction.createdTimestamp);
    const heartbeatText = heartbeat >= 0 ? `${Math.round(heartbeat)} ms` : 'not measured yet';
    return { content: `Pong! Gateway heartbeat: ${heartbeatText} · interaction reached the bot in ${delivery} ms.` };
  },
};

import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  InteractionContextType,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  SlashCommandBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Client,
  type Interaction,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscordSimulator, SimGuild, SimUser } from '../../packages/sandbox/src/discord-sim/index.js';
import { connectClient, startSim } from './harness.js';

let sim: DiscordSimulator;
let client: Client;
let guild: SimGuild;
let mara: SimUser;
let handler: (interaction: Interaction) => Promise<void>;
const PNG = Buffer.from('89504e470d0a1a0a', 'hex');

const commands = [
  new SlashCommandBuilder()
    .setName('xp')
    .setDescription('Experience')
    .addSubcommand((s) =>
      s
        .setName('add')
        .setDescription('Add XP')
        .addUserOption((o) => o.setName('user').setDescription('Who').setRequired(true))
        .addIntegerOption((o) => o.setName('amount').setDescription('How much').setRequired(true).setMinValue(1).setMaxValue(1000))
        .addStringOption((o) => o.setName('reason').setDescription('Why').setMinLength(3).setMaxLength(20)),
    ),
  new SlashCommandBuilder()
    .setName('roll')
    .setDescription('Roll dice')
    .addStringOption((o) => o.setName('campaign').setDescription('Campaign').setAutocomplete(true)),
  new SlashCommandBuilder().setName('ping').setDescription('Ping'),
  new SlashCommandBuilder().setName('table').setDescription('Only in servers').setContexts(InteractionContextType.Guild),
  new SlashCommandBuilder().setName('manage').setDescription('Managers only').setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild),
].map((c) => c.toJSON());

beforeEach(async () => {
  sim = await startSim();
  guild = sim.addGuild({ name: 'Night Table' });
  mara = sim.addUser({ username: 'mara', globalName: 'Mara' });
  sim.addMember(guild.id, mara.id, { permissions: PermissionFlagsBits.ManageGuild });
  client = await connectClient(sim);
  await client.application?.commands.set(commands);
  client.on('interactionCreate', (interaction) => {
    void handler(interaction);
  });
});

afterEach(async () => {
  await client.destroy();
  await sim.close();
});

describe('interactions through a real client', () => {
  it('builds a chat input interaction with typed options, resolved users and permissions', async () => {
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const target = interaction.options.getUser('user', true);
      const amount = interaction.options.getInteger('amount', true);
      const canManage = interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
      const botCanSend = interaction.appPermissions.has(PermissionFlagsBits.SendMessages);
      await interaction.reply(
        `${interaction.options.getSubcommand()} ${amount} to ${target.username} manage=${canManage} send=${botCanSend} guild=${interaction.inGuild()}`,
      );
    };
    const ix = await sim.slashCommand({ user: mara, guildId: guild.id, command: 'xp', subcommand: 'add', options: { user: mara.id, amount: 5 } });
    expect((await ix.initialResponse()).type).toBe(4);
    const reply = await ix.reply();
    expect(reply.content).toBe('add 5 to mara manage=true send=true guild=true');
    expect(reply.ephemeral).toBe(false);
    expect(sim.channelMessages(guild.defaultChannelId).map((m) => m.content)).toContain(reply.content);
    expect(sim.violations).toEqual([]);
  });

  it('refuses, as Discord\'s client does, values outside an option\'s bounds', async () => {
    handler = async () => undefined;
    const xpAdd = (options: Record<string, string | number>) => sim.slashCommand({ user: mara, guildId: guild.id, command: 'xp', subcommand: 'add', options: { user: mara.id, ...options } });
    await expect(xpAdd({ amount: 0 })).rejects.toThrow('/xp add amount: 0 is below the minimum 1');
    await expect(xpAdd({ amount: 1001 })).rejects.toThrow('/xp add amount: 1001 is above the maximum 1000');
    await expect(xpAdd({ amount: 5, reason: 'no' })).rejects.toThrow('/xp add reason: at least 3 characters are needed');
    await expect(xpAdd({ amount: 5, reason: 'a'.repeat(21) })).rejects.toThrow('/xp add reason: at most 20 characters are allowed');
  });

  it('offers a command only where its contexts allow, as Discord\'s client does', async () => {
    handler = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply('at the table');
    };
    await expect(sim.slashCommand({ user: mara, command: 'table' })).rejects.toThrow('/table is not available in DMs');
    expect((await (await sim.slashCommand({ user: mara, guildId: guild.id, command: 'table' })).reply()).content).toBe('at the table');
  });

  it('offers a command with default member permissions only to members holding them, unless a server admin overrides it', async () => {
    handler = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply(`manage=${interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)}`);
    };
    const bastien = sim.addUser({ username: 'bastien' });
    sim.addMember(guild.id, bastien.id);
    const manage = (user: SimUser | string) => sim.slashCommand({ user, guildId: guild.id, command: 'manage' });
    await expect(manage(bastien)).rejects.toThrow('/manage is not available to user');
    expect((await (await manage(mara)).reply()).content).toBe('manage=true');
    // A server admin allows the command for bastien: it reaches the bot, which still sees he lacks the permission.
    sim.setCommandPermissions(guild.id, 'manage', [{ id: bastien.id, type: 'user', allow: true }]);
    expect((await (await manage(bastien)).reply()).content).toBe('manage=false');
    // …or takes it from everyone, managers included; the owner keeps it.
    sim.setCommandPermissions(guild.id, 'manage', [{ id: guild.id, type: 'role', allow: false }]);
    await expect(manage(mara)).rejects.toThrow('/manage is not available to user');
    expect((await (await manage(guild.ownerId)).reply()).content).toBe('manage=true');
  });

  it('shows the follow-up that replaced a deleted "thinking…" placeholder as the reply', async () => {
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.deleteReply();
      await interaction.followUp({ content: 'only for you', flags: MessageFlags.Ephemeral });
    };
    const reply = await (await sim.slashCommand({ user: mara, guildId: guild.id, command: 'ping' })).reply();
    expect(reply.content).toBe('only for you');
    expect(reply.ephemeral).toBe(true);
    expect(sim.violations).toEqual([]);
  });

  it('shows a deferred reply once edited, follow-ups, and the ephemeral flag', async () => {
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await new Promise((r) => setTimeout(r, 50));
      await interaction.editReply({ content: 'done thinking', files: [new AttachmentBuilder(PNG, { name: 'card.png' })] });
      await interaction.followUp({ content: 'one more thing', flags: MessageFlags.Ephemeral });
    };
    const ix = await sim.slashCommand({ user: mara, guildId: guild.id, command: 'ping' });
    expect((await ix.initialResponse()).type).toBe(5);
    const reply = await ix.reply();
    expect(reply.content).toBe('done thinking');
    expect(reply.ephemeral).toBe(true);
    expect(reply.attachments.map((a) => [a.filename, a.data.equals(PNG)])).toEqual([['card.png', true]]);
    const followUp = await ix.waitForFollowUp();
    expect(followUp.content).toBe('one more thing');
    expect(ix.followUps).toHaveLength(1);
    expect(ix.original?.content).toBe('done thinking');
  });

  it('returns the created message to a reply with withResponse and edits a follow-up by id', async () => {
    let replyId: string | undefined;
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const response = await interaction.reply({ content: 'first', withResponse: true });
      replyId = response.resource?.message?.id;
      const followUp = await interaction.followUp('draft');
      await interaction.webhook.editMessage(followUp.id, { content: 'final' });
    };
    const ix = await sim.slashCommand({ user: mara, guildId: guild.id, command: 'ping' });
    const reply = await ix.reply();
    expect(reply.content).toBe('first');
    const followUp = await ix.waitForFollowUp();
    await expect.poll(() => ix.followUps[0]?.content).toBe('final');
    expect(replyId).toBe(reply.message.id);
    expect(followUp.id).not.toBe(reply.message.id);
    expect(sim.violations).toEqual([]);
  });

  it('works in DMs: no member, a DM channel and user context', async () => {
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply(`dm=${interaction.channel?.isDMBased() ?? 'none'} member=${interaction.member === null} ctx=${interaction.context}`);
    };
    const ix = await sim.slashCommand({ user: mara, command: 'ping' });
    expect((await ix.reply()).content).toBe('dm=true member=true ctx=1');
  });

  it('answers autocomplete with the choices the bot returned', async () => {
    handler = async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const typed = interaction.options.getFocused();
      await interaction.respond(['Chicago', 'Chiba', 'Berlin'].filter((c) => c.startsWith(typed)).map((c) => ({ name: c, value: c.toLowerCase() })));
    };
    const choices = await sim.autocomplete({ user: mara, guildId: guild.id, command: 'roll', options: { campaign: 'Chi' }, focused: 'campaign' });
    expect(choices).toEqual([
      { name: 'Chicago', value: 'chicago' },
      { name: 'Chiba', value: 'chiba' },
    ]);
  });

  it('lets a user click a button that updates the message', async () => {
    handler = async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('confirm:1').setLabel('Confirm').setStyle(ButtonStyle.Success),
        );
        await interaction.reply({ content: 'Sure?', components: [row] });
      } else if (interaction.isButton()) {
        await interaction.update({ content: `confirmed by ${interaction.user.username} (${interaction.customId})`, components: [] });
      }
    };
    const ix = await sim.slashCommand({ user: mara, guildId: guild.id, command: 'ping' });
    const prompt = await ix.reply();
    const click = await sim.clickButton({ user: mara, message: prompt.message, customId: 'confirm:1' });
    expect((await click.initialResponse()).type).toBe(7);
    const updated = await click.reply();
    expect(updated.content).toBe('confirmed by mara (confirm:1)');
    expect(updated.message.id).toBe(prompt.message.id);
    expect(updated.components).toEqual([]);
  });

  it('delivers select menu values', async () => {
    handler = async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const menu = new StringSelectMenuBuilder()
          .setCustomId('pick')
          .addOptions({ label: 'Brujah', value: 'brujah' }, { label: 'Toreador', value: 'toreador' });
        await interaction.reply({ content: 'Pick', components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)] });
      } else if (interaction.isStringSelectMenu()) {
        await interaction.reply({ content: `picked ${interaction.values.join(',')}`, flags: MessageFlags.Ephemeral });
      }
    };
    const prompt = await (await sim.slashCommand({ user: mara, guildId: guild.id, command: 'ping' })).reply();
    const select = await sim.selectMenu({ user: mara, message: prompt.message, customId: 'pick', values: ['toreador'] });
    const reply = await select.reply();
    expect(reply.content).toBe('picked toreador');
    expect(reply.ephemeral).toBe(true);
    await expect(sim.selectMenu({ user: mara, message: prompt.message, customId: 'pick', values: ['nosferatu'] })).rejects.toThrow(/no option/);
  });

  it('shows a modal and submits its fields', async () => {
    handler = async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const modal = new ModalBuilder()
          .setCustomId('note:new')
          .setTitle('New note')
          .addComponents(
            new ActionRowBuilder<TextInputBuilder>().addComponents(
              new TextInputBuilder().setCustomId('title').setLabel('Title').setStyle(TextInputStyle.Short),
            ),
          );
        await interaction.showModal(modal);
      } else if (interaction.isModalSubmit()) {
        await interaction.reply(`saved "${interaction.fields.getTextInputValue('title')}"`);
      }
    };
    const ix = await sim.slashCommand({ user: mara, guildId: guild.id, command: 'ping' });
    const shown = await ix.initialResponse();
    expect(shown.type).toBe(9);
    expect(shown.data?.title).toBe('New note');
    const submit = await sim.submitModal({ user: mara, guildId: guild.id, customId: 'note:new', fields: { title: 'Elysium' } });
    expect((await submit.reply()).content).toBe('saved "Elysium"');
  });

  it('refuses a follow-up to an interaction answered with a form, as Discord does', async () => {
    let followUp: Promise<string> | undefined;
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.showModal(
        new ModalBuilder()
          .setCustomId('note:new')
          .setTitle('New note')
          .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId('title').setLabel('Title').setStyle(TextInputStyle.Short))),
      );
      followUp = interaction.followUp({ content: 'Fill in the form' }).then(() => 'sent', (error: unknown) => String(error));
    };
    const ix = await sim.slashCommand({ user: mara, guildId: guild.id, command: 'ping' });
    expect((await ix.initialResponse()).type).toBe(9);
    await expect.poll(() => followUp).toBeDefined();
    expect(await followUp).toMatch(/Unknown Webhook/);
    expect(sim.violations.map((v) => v.rule)).toEqual(['followup-after-modal']);
  });
});

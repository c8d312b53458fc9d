/**
 * `/setup connect` binds this server to a Valentina company and picks where the bot posts;
 * `/setup show` prints the binding. For members with Manage Server (checked here, not only by
 * Discord's default, which a server admin can override), and binding needs a linked Valentina ADMIN
 * of the company (src/identity/company-admin.ts). Running `connect` again changes only what it is given.
 */
import {
  ApplicationIntegrationType,
  ChannelType,
  EmbedBuilder,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Guild,
} from 'discord.js';
import type { BotDeps, Choices, CommandModule, ReplyMessage } from '../src/discord/types.js';
import { matchChoices, pickChoice } from '../src/cache/cached-json.js';
import { UserError } from '../src/discord/errors.js';
import { adminCompanies, bindRefusal, requireCompanyAdmin } from '../src/identity/company-admin.js';
import { GUILD_ONLY_MESSAGE, NOT_SET_UP_MESSAGE } from '../src/identity/context.js';
import { GuildBindingSchema, type GuildBinding } from '../src/identity/guild-binding.js';

const NEEDED = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
] as const;

export const MANAGE_SERVER_MESSAGE =
  'Only members with the **Manage Server** permission in this server can use `/setup`. Ask a server manager to run it.';
export const FIRST_APPROVALS_MESSAGE =
  'Pick an **approvals_channel** the first time you run `/setup connect`: it is where new players wait for approval. Later runs keep it unless you give another.';

/** What `clear:` removes. */
const CLEARABLE = { default_campaign: 'Default campaign', audit_channel: 'XP log channel', both: 'Both' } as const;
type Clearable = keyof typeof CLEARABLE;

/** Defaults of a new binding's confirmation thresholds (from the schema, so they never drift). */
const DEFAULTS = GuildBindingSchema.pick({ xpConfirmAbove: true, cpConfirmAbove: true }).parse({});

/** What the bot lacks in the channel, by Discord's permission names (empty when all is fine). */
async function missingPermissions(guild: Guild, channelId: string): Promise<string[]> {
  const channel = guild.channels.cache.get(channelId) ?? (await guild.channels.fetch(channelId).catch(() => null));
  const me = guild.members.me ?? (await guild.members.fetchMe().catch(() => null));
  if (!channel || !me) return ['View Channel'];
  const permissions = channel.permissionsFor(me);
  return NEEDED.filter(([flag]) => !permissions?.has(flag)).map(([, name]) => name);
}

/** Manage Server, as Discord reports it for this member in this channel; Discord's default for the command can be overridden per role. */
function isServerManager(interaction: ChatInputCommandInteraction | AutocompleteInteraction): boolean {
  return interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
}

function requireServerManager(interaction: ChatInputCommandInteraction): Guild {
  if (!interaction.inGuild()) throw new UserError(GUILD_ONLY_MESSAGE);
  if (!isServerManager(interaction)) throw new UserError(MANAGE_SERVER_MESSAGE);
  if (!interaction.guild) throw new UserError(GUILD_ONLY_MESSAGE);
  return interaction.guild;
}

function bindingEmbed(binding: GuildBinding): EmbedBuilder {
  return new EmbedBuilder()
    .setColor(0x7a1f2b)
    .setTitle('Valentina setup')
    .addFields(
      { name: 'Company', value: binding.companyName, inline: true },
      { name: 'Approvals channel', value: `<#${binding.approvalsChannelId}>`, inline: true },
      { name: 'Default campaign', value: binding.defaultCampaignName ?? 'none — `/xp` asks for one', inline: true },
      { name: 'XP log channel', value: binding.auditChannelId ? `<#${binding.auditChannelId}>` : 'none', inline: true },
      { name: 'Confirm XP grants above', value: `${binding.xpConfirmAbove} XP`, inline: true },
      { name: 'Confirm cool point grants above', value: `${binding.cpConfirmAbove} cool point${binding.cpConfirmAbove === 1 ? '' : 's'}`, inline: true },
    )
    .setFooter({ text: `Last changed by a server manager on ${binding.updatedAt.slice(0, 10)}` });
}

/** The default campaign after this run: the one given, none when cleared, else the previous one if the company stays. */
async function chooseCampaign(
  interaction: ChatInputCommandInteraction,
  deps: BotDeps,
  company: { id: string; name: string },
  previous: GuildBinding | null,
  clear: Clearable | null,
): Promise<{ id: string; name: string } | null> {
  const option = interaction.options.getString('default_campaign');
  const clears = clear === 'default_campaign' || clear === 'both';
  if (option && clears) throw new UserError('Either pick a **default_campaign** or clear it, not both in one run.');
  if (option) {
    const campaign = pickChoice(await deps.directory.campaigns(company.id), option);
    if (!campaign) throw new UserError(`**${company.name}** has no campaign called "${option.slice(0, 50)}". Pick one from the list that appears as you type.`);
    return campaign;
  }
  if (clears || !previous || previous.companyId !== company.id || !previous.defaultCampaignId) return null;
  return { id: previous.defaultCampaignId, name: previous.defaultCampaignName ?? previous.defaultCampaignId };
}

async function connect(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const guild = requireServerManager(interaction);
  const companyOption = interaction.options.getString('company', true);
  const company = pickChoice(await deps.directory.companies(), companyOption);
  if (!company) throw new UserError(bindRefusal.unreachable(companyOption));
  await requireCompanyAdmin(interaction.user.id, company, deps);

  const previous = await deps.bindings.get(guild.id);
  const clear = interaction.options.getString('clear') as Clearable | null;
  const approvals = interaction.options.getChannel('approvals_channel');
  const audit = interaction.options.getChannel('audit_channel');
  const clearsAudit = clear === 'audit_channel' || clear === 'both';
  if (audit && clearsAudit) throw new UserError('Either pick an **audit_channel** or clear it, not both in one run.');
  const approvalsChannelId = approvals?.id ?? previous?.approvalsChannelId;
  if (!approvalsChannelId) throw new UserError(FIRST_APPROVALS_MESSAGE);
  for (const channel of [approvals, audit]) {
    if (!channel) continue;
    const missing = await missingPermissions(guild, channel.id);
    if (missing.length > 0) {
      throw new UserError(`I can't post in <#${channel.id}>: I'm missing the **${missing.join('**, **')}** permission${missing.length > 1 ? 's' : ''} there. Give me ${missing.length > 1 ? 'them' : 'it'} (channel settings → Permissions) and run \`/setup connect\` again.`);
    }
  }
  const campaign = await chooseCampaign(interaction, deps, company, previous, clear);
  const binding = await deps.bindings.set({
    guildId: guild.id,
    companyId: company.id,
    companyName: company.name,
    approvalsChannelId,
    defaultCampaignId: campaign?.id ?? null,
    defaultCampaignName: campaign?.name ?? null,
    auditChannelId: clearsAudit ? null : (audit?.id ?? previous?.auditChannelId ?? null),
    updatedBy: interaction.user.id,
    showEmailInApprovals: previous?.showEmailInApprovals ?? false,
    xpConfirmAbove: interaction.options.getInteger('confirm_xp_above') ?? previous?.xpConfirmAbove ?? DEFAULTS.xpConfirmAbove,
    cpConfirmAbove: interaction.options.getInteger('confirm_cp_above') ?? previous?.cpConfirmAbove ?? DEFAULTS.cpConfirmAbove,
  });
  deps.logger.info({ guildId: guild.id, companyId: company.id }, previous ? 'guild binding updated' : 'guild bound to a company');
  return {
    content: previous ? 'Setup updated.' : `This server now plays in **${company.name}**. Players can run \`/link\` to connect their accounts.`,
    embeds: [bindingEmbed(binding)],
  };
}

async function show(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const guild = requireServerManager(interaction);
  const binding = await deps.bindings.get(guild.id);
  if (!binding) throw new UserError(NOT_SET_UP_MESSAGE);
  return { embeds: [bindingEmbed(binding)] };
}

export const setup: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('setup')
    .setDescription('Connect this server to a Valentina company')
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    // Discord's first filter; a server admin can change it per role, so the handler checks again.
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((sub) =>
      sub
        .setName('connect')
        .setDescription('Choose the company and where the bot posts; run again to change only what you give')
        .addStringOption((o) => o.setName('company').setDescription('A Valentina company you are an admin of').setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addChannelOption((o) => o.setName('approvals_channel').setDescription('Where new players wait for approval (needed the first time)').addChannelTypes(ChannelType.GuildText))
        .addStringOption((o) => o.setName('default_campaign').setDescription('Campaign used by /xp when none is given').setAutocomplete(true).setMaxLength(100))
        .addChannelOption((o) => o.setName('audit_channel').setDescription('Where every XP change is logged').addChannelTypes(ChannelType.GuildText))
        .addIntegerOption((o) => o.setName('confirm_xp_above').setDescription(`/xp add above this many XP asks to confirm (default ${DEFAULTS.xpConfirmAbove})`).setMinValue(0).setMaxValue(1000))
        .addIntegerOption((o) => o.setName('confirm_cp_above').setDescription(`/cp add above this many cool points asks to confirm (default ${DEFAULTS.cpConfirmAbove})`).setMinValue(0).setMaxValue(100))
        .addStringOption((o) =>
          o
            .setName('clear')
            .setDescription('Remove the default campaign or the XP log channel')
            .addChoices(...Object.entries(CLEARABLE).map(([value, name]) => ({ name, value }))),
        ),
    )
    .addSubcommand((sub) => sub.setName('show').setDescription('Show how this server is connected')),
  visibility: 'ephemeral',
  audience: 'Server managers (Manage Server); connecting also needs an admin of the company in Valentina',

  execute(interaction, deps) {
    return interaction.options.getSubcommand(true) === 'show' ? show(interaction, deps) : connect(interaction, deps);
  },

  async autocomplete(interaction, deps): Promise<Choices> {
    if (!isServerManager(interaction)) return [];
    const focused = interaction.options.getFocused(true);
    const companies = await adminCompanies(interaction.user.id, await deps.directory.companies(), deps);
    if (focused.name === 'company') return matchChoices(companies, focused.value).map((c) => ({ name: c.name.slice(0, 100), value: c.id }));
    const typed = interaction.options.getString('company');
    const bound = interaction.guildId ? (await deps.bindings.get(interaction.guildId))?.companyId : undefined;
    const company = (typed ? pickChoice(companies, typed) : undefined) ?? companies.find((c) => c.id === bound);
    return company ? deps.directory.campaignChoices(company.id, focused.value) : [];
  },
};

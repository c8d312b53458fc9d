/**
 * `/setup connect` binds this server to a Valentina company and picks where the bot posts;
 * `/setup show` prints the binding; `/setup settings` shows every setting and changes those it is
 * given; `/setup restore` brings back the binding archived when the bot was removed. For members with
 * Manage Server (checked here, not only by Discord's default, which a server admin can override);
 * binding, restoring and changing settings also need a linked Valentina ADMIN of the company
 * (src/identity/company-admin.ts). Running `connect` again changes only what it is given.
 */
import {
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import type { BotDeps, Choices, CommandModule, ReplyMessage } from '../src/discord/types.js';
import { matchChoices, pickChoice } from '../src/cache/cached-json.js';
import { UserError } from '../src/discord/errors.js';
import { adminCompanies, bindRefusal, requireCompanyAdmin } from '../src/identity/company-admin.js';
import { NOT_SET_UP_MESSAGE } from '../src/identity/context.js';
import type { GuildBinding } from '../src/identity/guild-binding.js';
import {
  archivedNotice,
  bindingEmbed,
  isServerManager,
  missingPermissions,
  requirePostable,
  requireServerManager,
  ROLL_VISIBILITY,
  SETTING_DEFAULTS,
} from '../src/identity/setup-view.js';

export const FIRST_APPROVALS_MESSAGE =
  'Pick an **approvals_channel** the first time you run `/setup connect`: it is where new players wait for approval. Later runs keep it unless you give another.';

/** What `clear:` removes. */
const CLEARABLE = { default_campaign: 'Default campaign', audit_channel: 'XP log channel', both: 'Both' } as const;
type Clearable = keyof typeof CLEARABLE;

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
  if (clears || previous?.companyId !== company.id || !previous.defaultCampaignId) return null;
  return { id: previous.defaultCampaignId, name: previous.defaultCampaignName ?? previous.defaultCampaignId };
}

/** The XP log channel after this run: the one given, none when cleared, else `previous`. */
async function chooseAuditChannel(interaction: ChatInputCommandInteraction, clear: Clearable | null, previous: string | null, rerun: string): Promise<string | null> {
  const audit = interaction.options.getChannel('audit_channel');
  const clears = clear === 'audit_channel' || clear === 'both';
  if (audit && clears) throw new UserError('Either pick an **audit_channel** or clear it, not both in one run.');
  if (audit && interaction.guild) await requirePostable(interaction.guild, audit.id, rerun);
  return clears ? null : (audit?.id ?? previous);
}

async function connect(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const guild = requireServerManager(interaction);
  const companyOption = interaction.options.getString('company', true);
  const company = pickChoice(await deps.directory.companies(), companyOption);
  if (!company) throw new UserError(bindRefusal.unreachable(companyOption));
  await requireCompanyAdmin(interaction.user.id, company, deps);

  // A server that removed the bot and added it back starts from what it had.
  const current = await deps.bindings.get(guild.id);
  const archived = current ? null : await deps.bindings.archived(guild.id);
  const previous = current ?? archived?.binding ?? null;
  const clear = interaction.options.getString('clear') as Clearable | null;
  const approvals = interaction.options.getChannel('approvals_channel');
  const approvalsChannelId = approvals?.id ?? previous?.approvalsChannelId;
  if (!approvalsChannelId) throw new UserError(FIRST_APPROVALS_MESSAGE);
  if (approvals) await requirePostable(guild, approvals.id, '/setup connect');
  const auditChannelId = await chooseAuditChannel(interaction, clear, previous?.auditChannelId ?? null, '/setup connect');
  const campaign = await chooseCampaign(interaction, deps, company, previous, clear);
  const binding = await deps.bindings.set({
    guildId: guild.id,
    companyId: company.id,
    companyName: company.name,
    approvalsChannelId,
    defaultCampaignId: campaign?.id ?? null,
    defaultCampaignName: campaign?.name ?? null,
    auditChannelId,
    updatedBy: interaction.user.id,
    showEmailInApprovals: previous?.showEmailInApprovals ?? SETTING_DEFAULTS.showEmailInApprovals,
    xpConfirmAbove: interaction.options.getInteger('confirm_xp_above') ?? previous?.xpConfirmAbove ?? SETTING_DEFAULTS.xpConfirmAbove,
    cpConfirmAbove: interaction.options.getInteger('confirm_cp_above') ?? previous?.cpConfirmAbove ?? SETTING_DEFAULTS.cpConfirmAbove,
    ...(previous?.rollVisibility ? { rollVisibility: previous.rollVisibility } : {}),
  });
  if (archived) await deps.bindings.dropArchive(guild.id);
  deps.logger.info({ guildId: guild.id, companyId: company.id }, current ? 'guild binding updated' : 'guild bound to a company');
  const content = current
    ? 'Setup updated.'
    : `This server now plays in **${company.name}**. Players can run \`/link\` to connect their accounts.${archived ? ' What you did not change is kept from before I was removed.' : ''}`;
  return { content, embeds: [bindingEmbed(binding)] };
}

async function show(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const guild = requireServerManager(interaction);
  const binding = await deps.bindings.get(guild.id);
  if (binding) return { embeds: [bindingEmbed(binding)] };
  const archived = await deps.bindings.archived(guild.id);
  if (!archived) throw new UserError(NOT_SET_UP_MESSAGE);
  return { content: archivedNotice(archived), embeds: [bindingEmbed(archived.binding, 'Kept from before I was removed')] };
}

async function restore(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const guild = requireServerManager(interaction);
  const current = await deps.bindings.get(guild.id);
  if (current) throw new UserError(`This server is already connected to **${current.companyName}**; \`/setup show\` shows how.`);
  const archived = await deps.bindings.archived(guild.id);
  if (!archived) {
    throw new UserError('There is no earlier setup of this server to restore (it is kept for 90 days after I am removed). Run `/setup connect` to connect it.');
  }
  const old = archived.binding;
  await requireCompanyAdmin(interaction.user.id, { id: old.companyId, name: old.companyName }, deps, 'restore');
  if ((await missingPermissions(guild, old.approvalsChannelId)).length > 0) {
    throw new UserError(`I can't post in the approvals channel this server had (<#${old.approvalsChannelId}>) any more. Run \`/setup connect\` with another **approvals_channel**; the other settings are kept.`);
  }
  const auditGone = old.auditChannelId !== null && (await missingPermissions(guild, old.auditChannelId)).length > 0;
  const { version: _version, updatedAt: _updatedAt, ...kept } = old;
  const binding = await deps.bindings.set({ ...kept, auditChannelId: auditGone ? null : old.auditChannelId, updatedBy: interaction.user.id });
  await deps.bindings.dropArchive(guild.id);
  deps.logger.info({ guildId: guild.id, companyId: old.companyId }, 'guild binding restored');
  const note = auditGone ? ` I can't post in the XP log channel it had (<#${old.auditChannelId}>) any more, so it is cleared: pick one with \`/setup settings audit_channel\`.` : '';
  return { content: `Restored: this server plays in **${old.companyName}** again, with the settings it had.${note}`, embeds: [bindingEmbed(binding)] };
}

/** The settings `/setup settings` changes, by option name, as the embed names them. */
const SETTING_NAMES = {
  audit_channel: 'XP log channel',
  default_campaign: 'Default campaign',
  confirm_xp_above: 'Confirm XP grants above',
  confirm_cp_above: 'Confirm cool point grants above',
  show_emails: 'Approval cards show emails',
  roll_visibility: 'Roll visibility',
  clear: 'Cleared',
} as const;

async function settings(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const guild = requireServerManager(interaction);
  const binding = await deps.bindings.get(guild.id);
  if (!binding) {
    const archived = await deps.bindings.archived(guild.id);
    throw new UserError(archived ? archivedNotice(archived) : NOT_SET_UP_MESSAGE);
  }
  const given = interaction.options.data[0]?.options?.map((option) => option.name as keyof typeof SETTING_NAMES) ?? [];
  if (given.length === 0) {
    return { content: 'Change any of these with `/setup settings` and the option of that name (server managers who are admins of the company in Valentina).', embeds: [bindingEmbed(binding, 'Server settings')] };
  }
  const company = { id: binding.companyId, name: binding.companyName };
  await requireCompanyAdmin(interaction.user.id, company, deps, 'settings');
  const options = interaction.options;
  const clear = options.getString('clear') as Clearable | null;
  const auditChannelId = await chooseAuditChannel(interaction, clear, binding.auditChannelId, '/setup settings');
  const campaign = await chooseCampaign(interaction, deps, company, binding, clear);
  const rolls = options.getString('roll_visibility') as keyof typeof ROLL_VISIBILITY | null;
  const { version: _version, updatedAt: _updatedAt, ...kept } = binding;
  const updated = await deps.bindings.set({
    ...kept,
    auditChannelId,
    defaultCampaignId: campaign?.id ?? null,
    defaultCampaignName: campaign?.name ?? null,
    xpConfirmAbove: options.getInteger('confirm_xp_above') ?? binding.xpConfirmAbove,
    cpConfirmAbove: options.getInteger('confirm_cp_above') ?? binding.cpConfirmAbove,
    showEmailInApprovals: options.getBoolean('show_emails') ?? binding.showEmailInApprovals,
    ...(rolls ? { rollVisibility: rolls } : {}),
    updatedBy: interaction.user.id,
  });
  deps.logger.info({ guildId: guild.id, changed: given }, 'guild settings changed');
  const changed = given.filter((name) => name !== 'clear').map((name) => SETTING_NAMES[name]);
  if (clear) changed.push(...(clear === 'both' ? [CLEARABLE.default_campaign, CLEARABLE.audit_channel] : [CLEARABLE[clear]]));
  return { content: `Settings updated: **${[...new Set(changed)].join('**, **')}**.`, embeds: [bindingEmbed(updated, 'Server settings')] };
}

/** The options `connect` and `settings` share. */
function withSharedOptions(sub: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder {
  return sub
    .addStringOption((o) => o.setName('default_campaign').setDescription('Campaign used by /xp when none is given').setAutocomplete(true).setMaxLength(100))
    .addChannelOption((o) => o.setName('audit_channel').setDescription('Where every XP change is logged').addChannelTypes(ChannelType.GuildText))
    .addIntegerOption((o) => o.setName('confirm_xp_above').setDescription(`/xp add above this many XP asks to confirm (default ${SETTING_DEFAULTS.xpConfirmAbove})`).setMinValue(0).setMaxValue(1000))
    .addIntegerOption((o) => o.setName('confirm_cp_above').setDescription(`/cp add above this many cool points asks to confirm (default ${SETTING_DEFAULTS.cpConfirmAbove})`).setMinValue(0).setMaxValue(100))
    .addStringOption((o) =>
      o
        .setName('clear')
        .setDescription('Remove the default campaign or the XP log channel')
        .addChoices(...Object.entries(CLEARABLE).map(([value, name]) => ({ name, value }))),
    );
}

const SUBCOMMANDS = { connect, show, restore, settings } as const;

export const setup: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('setup')
    .setDescription('Connect this server to a Valentina company')
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    // Discord's first filter; a server admin can change it per role, so the handler checks again.
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((sub) =>
      withSharedOptions(
        sub
          .setName('connect')
          .setDescription('Choose the company and where the bot posts; run again to change only what you give')
          .addStringOption((o) => o.setName('company').setDescription('A Valentina company you are an admin of').setRequired(true).setAutocomplete(true).setMaxLength(100))
          .addChannelOption((o) => o.setName('approvals_channel').setDescription('Where new players wait for approval (needed the first time)').addChannelTypes(ChannelType.GuildText)),
      ),
    )
    .addSubcommand((sub) => sub.setName('show').setDescription('Show how this server is connected'))
    .addSubcommand((sub) =>
      withSharedOptions(sub.setName('settings').setDescription('Show every setting; give an option to change it'))
        .addBooleanOption((o) => o.setName('show_emails').setDescription('Whether approval requests show the applicant’s email (default no)'))
        .addStringOption((o) =>
          o
            .setName('roll_visibility')
            .setDescription('Who sees rolls when the roller does not say (default public)')
            .addChoices(...Object.entries(ROLL_VISIBILITY).map(([value, name]) => ({ name, value }))),
        ),
    )
    .addSubcommand((sub) => sub.setName('restore').setDescription('Bring back the setup this server had before the bot was removed')),
  visibility: 'ephemeral',
  audience: 'Server managers (Manage Server); connecting, restoring and changing settings also need an admin of the company in Valentina',

  execute(interaction, deps) {
    const name = interaction.options.getSubcommand(true) as keyof typeof SUBCOMMANDS;
    return (SUBCOMMANDS[name] ?? connect)(interaction, deps);
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

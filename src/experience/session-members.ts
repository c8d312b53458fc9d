/**
 * Who was at the session: the members connected to a voice channel (from the gateway's voice states,
 * GUILD_VOICE_STATES intent) or holding a role (List Guild Members over REST, which Discord allows only
 * with the application's Server Members Intent switched on), each resolved to their Valentina account in
 * the guild's company through the identity resolver (cached).
 */
import { ChannelType, Routes, type ChatInputCommandInteraction } from 'discord.js';
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps } from '../discord/types.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import type { Refusal } from '../identity/resolver.js';

/** The most members one session award lists (four select menus of 25). */
export const MAX_SESSION_MEMBERS = 100;
/** Members per page of List Guild Members, and the most pages read (a role in a guild of up to 10 000). */
const MEMBERS_PAGE = 1000;
const MAX_MEMBER_PAGES = 10;
/** Lookups and member reads in flight at once. */
const PARALLEL = 5;

export const VOICE_CHANNEL_TYPES = [ChannelType.GuildVoice, ChannelType.GuildStageVoice] as const;

export const SessionSourceSchema = z.object({ kind: z.enum(['voice', 'role']), id: snowflake, name: z.string() });
export type SessionSource = z.infer<typeof SessionSourceSchema>;

export const SessionMemberSchema = z.object({ id: snowflake, name: z.string() });
export type SessionMember = z.infer<typeof SessionMemberSchema>;

export const SkippedMemberSchema = SessionMemberSchema.extend({ why: z.string() });
export type SkippedMember = z.infer<typeof SkippedMemberSchema>;

interface Candidate extends SessionMember {
  bot: boolean;
}

const ApiMemberSchema = z.object({
  nick: z.string().nullish(),
  roles: z.array(z.string()),
  user: z.object({ id: snowflake, username: z.string(), global_name: z.string().nullish(), bot: z.boolean().optional() }),
});
type ApiMember = z.infer<typeof ApiMemberSchema>;

const fromApi = (m: ApiMember): Candidate => ({ id: m.user.id, name: m.nick ?? m.user.global_name ?? m.user.username, bot: m.user.bot === true });

/** Runs `work` over `items`, a few at a time, keeping the order. */
async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL) results.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(work))));
  return results;
}

/** The voice channel or role the command names, or the caller's voice channel. */
export function sessionSource(interaction: ChatInputCommandInteraction): SessionSource {
  const channel = interaction.options.getChannel('voice_channel');
  const role = interaction.options.getRole('role');
  if (channel && role) throw new UserError('Name a voice channel **or** a role, not both.');
  if (role) return { kind: 'role', id: role.id, name: role.name };
  if (channel) return { kind: 'voice', id: channel.id, name: channel.name ?? 'voice' };
  const own = interaction.guild?.voiceStates.cache.get(interaction.user.id)?.channel;
  if (!own) throw new UserError("You're not in a voice channel. Join the session's voice channel, or name one with `voice_channel:` or a role with `role:`.");
  return { kind: 'voice', id: own.id, name: own.name };
}

/** The members of the source, without resolving them yet. */
async function candidates(interaction: ChatInputCommandInteraction, source: SessionSource, deps: BotDeps): Promise<Candidate[]> {
  const guildId = interaction.guildId!;
  if (source.kind === 'role') return roleMembers(guildId, source.id, deps);
  const guild = interaction.guild;
  if (!guild) throw new UserError("I can't see this server's voice channels right now. Try again in a moment.");
  const ids = [...guild.voiceStates.cache.values()].filter((state) => state.channelId === source.id).map((state) => state.id);
  if (ids.length > MAX_SESSION_MEMBERS) throw tooMany(ids.length);
  return inBatches(ids, async (id) => {
    const user = interaction.client.users.cache.get(id);
    if (user) return { id, name: user.globalName ?? user.username, bot: user.bot };
    return fromApi(ApiMemberSchema.parse(await deps.rest.get(Routes.guildMember(guildId, id))));
  });
}

const tooMany = (count: number) =>
  new UserError(`That is ${count} members; a session award lists at most ${MAX_SESSION_MEMBERS}. Use a smaller voice channel or role.`);

/** The guild's members holding `roleId`, from List Guild Members (needs the Server Members Intent switch). */
async function roleMembers(guildId: string, roleId: string, deps: BotDeps): Promise<Candidate[]> {
  const found: Candidate[] = [];
  let after = '0';
  for (let page = 0; page < MAX_MEMBER_PAGES; page += 1) {
    let raw: unknown;
    try {
      raw = await deps.rest.get(Routes.guildMembers(guildId), { query: new URLSearchParams({ limit: String(MEMBERS_PAGE), after }) });
    } catch (error) {
      if ((error as { status?: unknown }).status === 403) {
        throw new UserError(
          "Discord won't let me list the members of a role: the bot's **Server Members Intent** is off. A bot administrator can switch it on in the Discord developer portal (Bot → Privileged Gateway Intents); until then, use `voice_channel:`.",
        );
      }
      throw error;
    }
    const members = z.array(ApiMemberSchema).parse(raw);
    // @everyone (its id is the guild's) is held by every member without being listed in `roles`.
    found.push(...members.filter((m) => roleId === guildId || m.roles.includes(roleId)).map(fromApi));
    if (found.length > MAX_SESSION_MEMBERS) throw tooMany(found.length);
    if (members.length < MEMBERS_PAGE) return found;
    after = members[members.length - 1]!.user.id;
  }
  throw new UserError('This server has too many members for me to look through for a role. Use `voice_channel:` instead.');
}

/** Why a member gets nothing, in a few words. */
function skipReason(refusal: Refusal): string {
  switch (refusal.status) {
    case 'not_linked':
      return "hasn't linked a Valentina account (`/link`)";
    case 'unapproved':
      return `is still waiting for approval in ${refusal.companyName}`;
    case 'deactivated':
      return `has a deactivated account in ${refusal.companyName}`;
    case 'other_company':
      return `plays in another company, not ${refusal.guildCompanyName}`;
    case 'choose_company':
      return 'has several accounts to choose from';
  }
}

/** The members of the session that can be granted XP, and those skipped with why. */
export async function sessionMembers(
  interaction: ChatInputCommandInteraction,
  source: SessionSource,
  binding: GuildBinding,
  deps: BotDeps,
): Promise<{ members: SessionMember[]; skipped: SkippedMember[] }> {
  const found = (await candidates(interaction, source, deps)).sort((a, b) => a.name.localeCompare(b.name));
  const members: SessionMember[] = [];
  const skipped: SkippedMember[] = [];
  const resolved = await inBatches(found, async (candidate) =>
    candidate.bot ? ({ status: 'bot' } as const) : deps.resolver.resolveInGuild(candidate.id, binding),
  );
  found.forEach((candidate, index) => {
    const resolution = resolved[index]!;
    const entry = { id: candidate.id, name: candidate.name.slice(0, 80) };
    if (resolution.status === 'ok') members.push(entry);
    else skipped.push({ ...entry, why: resolution.status === 'bot' ? 'is a bot' : skipReason(resolution) });
  });
  return { members, skipped };
}

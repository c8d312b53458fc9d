/**
 * The first step of every guild or DM command: which company, and who is acting. Each helper throws a
 * `UserError` whose message says what to do (run `/setup`, `/link`, wait for approval, …).
 */
import { UserError } from '../discord/errors.js';
import type { GuildBinding, GuildBindingStore } from './guild-binding.js';
import { describeResolution, type Actor, type IdentityResolver, type Resolution } from './resolver.js';

export interface IdentityContextDeps {
  bindings: GuildBindingStore;
  resolver: IdentityResolver;
}

export const NOT_SET_UP_MESSAGE =
  "This server isn't connected to Valentina yet. A server manager (someone with the **Manage Server** permission) can run `/setup` to connect it to a company.";

export const GUILD_ONLY_MESSAGE = 'This command works in a server, not in DMs.';

interface WhereAndWho {
  guildId: string | null;
  user: { id: string };
}

/** The guild's binding, or a `UserError` explaining `/setup`. */
export async function requireBinding(interaction: { guildId: string | null }, deps: Pick<IdentityContextDeps, 'bindings'>): Promise<GuildBinding> {
  if (!interaction.guildId) throw new UserError(GUILD_ONLY_MESSAGE);
  const binding = await deps.bindings.get(interaction.guildId);
  if (!binding) throw new UserError(NOT_SET_UP_MESSAGE);
  return binding;
}

/** Resolves the acting user where the interaction happened (guild: the bound company; DM: the chosen one). */
export async function resolveHere(interaction: WhereAndWho, deps: IdentityContextDeps): Promise<{ resolution: Resolution; binding: GuildBinding | null }> {
  if (interaction.guildId) {
    const binding = await requireBinding(interaction, deps);
    const resolution = await deps.resolver.resolveInGuild(interaction.user.id, binding);
    return { resolution, binding };
  }
  return { resolution: await deps.resolver.resolveInDm(interaction.user.id), binding: null };
}

/** The acting Valentina user, or a `UserError` for not linked / unapproved / deactivated / wrong company. */
export async function requireActor(interaction: WhereAndWho, deps: IdentityContextDeps): Promise<{ actor: Actor; binding: GuildBinding | null }> {
  const { resolution, binding } = await resolveHere(interaction, deps);
  if (resolution.status !== 'ok') throw new UserError(describeResolution(resolution));
  return { actor: resolution.actor, binding };
}

/**
 * Runs `action` as the acting user; if Valentina rejects a stale cached actor, the cache entry is
 * dropped and the actor resolved once more (the user never sees the stale-cache error).
 */
export async function withActor<T>(
  interaction: WhereAndWho,
  deps: IdentityContextDeps,
  action: (actor: Actor, binding: GuildBinding | null) => Promise<T>,
): Promise<T> {
  let binding: GuildBinding | null = null;
  const result = await deps.resolver.runAsActor(
    async () => {
      const here = await resolveHere(interaction, deps);
      binding = here.binding;
      return here.resolution;
    },
    (actor) => action(actor, binding),
  );
  if (!result.acted) throw new UserError(describeResolution(result.refusal));
  return result.value;
}

/**
 * A user named in a command option (`user:`), resolved in the guild's company. Bots, unlinked members
 * and members of other companies each get their own answer.
 */
export async function resolveTarget(
  user: { id: string; bot: boolean },
  binding: GuildBinding,
  deps: Pick<IdentityContextDeps, 'resolver'>,
): Promise<Actor> {
  if (user.bot) throw new UserError("Bots don't have Valentina accounts — pick a player instead.");
  const resolution = await deps.resolver.resolveInGuild(user.id, binding);
  if (resolution.status !== 'ok') throw new UserError(describeResolution(resolution, `<@${user.id}>`));
  return resolution.actor;
}

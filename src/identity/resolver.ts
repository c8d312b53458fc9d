/**
 * Who is this Discord user in Valentina? Turns (Discord user, guild binding or DM) into the acting
 * Valentina user, using `users/lookup?discord_id=` behind a Redis cache.
 *
 * - One lookup per user per TTL, even under concurrent interactions: an in-process single-flight map
 *   plus a short Redis lock so several bot processes do not stampede the API either.
 * - Every outcome that is not "ok" has its own answer for the user (see `describeResolution`).
 */
import { readJson, type RedisConnection } from '../redis.js';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { fillOnce } from '../redis-lock.js';
import type { IdentityKeys } from '../keyspace.js';

export const USER_ROLES = ['ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED', 'DEACTIVATED'] as const;
export type UserRole = (typeof USER_ROLES)[number];

const LookupEntrySchema = z.object({
  company_id: z.string().uuid(),
  company_name: z.string(),
  user_id: z.string().uuid(),
  role: z.enum(USER_ROLES),
});
export type LookupEntry = z.infer<typeof LookupEntrySchema>;
const LookupCacheSchema = z.array(LookupEntrySchema);

/** The part of the Valentina client the resolver needs. */
export interface LookupClient {
  users: { lookup(query: { discordId: string }): Promise<readonly LookupEntry[]> };
}

export interface Actor {
  discordUserId: string;
  userId: string;
  role: UserRole;
  companyId: string;
  companyName: string;
}

export type Resolution =
  | { status: 'ok'; actor: Actor }
  | { status: 'not_linked' }
  | { status: 'unapproved'; companyName: string }
  | { status: 'deactivated'; companyName: string }
  | { status: 'other_company'; guildCompanyName: string; linkedCompanyNames: string[] }
  | { status: 'choose_company'; options: Array<{ companyId: string; companyName: string; role: UserRole }> };

/** Why a user cannot act. */
export type Refusal = Exclude<Resolution, { status: 'ok' }>;

/** What {@link IdentityResolver.runAsActor} comes back with: the action's result, or why it could not run. */
export type AsActor<T> = { acted: true; value: T } | { acted: false; refusal: Refusal };

export interface ResolverOptions {
  client: LookupClient;
  redis: RedisConnection;
  keys: IdentityKeys;
  logger?: Logger;
  /** Seconds a lookup result is trusted. Default 300. */
  ttlSeconds?: number;
  /** Seconds an empty (not linked) result is trusted. Default 60. */
  negativeTtlSeconds?: number;
}

/** How long a lookup's claim lives when its process dies (renewed while the lookup runs). */
const LOCK_MS = 5_000;

export class IdentityResolver {
  private readonly keys: IdentityKeys;
  private readonly inFlight = new Map<string, Promise<LookupEntry[]>>();
  private readonly ttl: number;
  private readonly negativeTtl: number;

  constructor(private readonly options: ResolverOptions) {
    this.keys = options.keys;
    this.ttl = options.ttlSeconds ?? 300;
    this.negativeTtl = options.negativeTtlSeconds ?? 60;
  }

  /** Every company membership of the Discord user, from cache when fresh. */
  async lookup(discordUserId: string): Promise<LookupEntry[]> {
    const pending = this.inFlight.get(discordUserId);
    if (pending) return pending;
    const promise = this.lookupShared(discordUserId).finally(() => this.inFlight.delete(discordUserId));
    this.inFlight.set(discordUserId, promise);
    return promise;
  }

  /** Resolves the actor for a command run in a guild bound to `company`. */
  async resolveInGuild(discordUserId: string, company: { companyId: string; companyName: string }): Promise<Resolution> {
    const entries = await this.lookup(discordUserId);
    if (entries.length === 0) return { status: 'not_linked' };
    const entry = entries.find((e) => e.company_id === company.companyId);
    if (!entry) {
      return {
        status: 'other_company',
        guildCompanyName: company.companyName,
        linkedCompanyNames: entries.map((e) => e.company_name),
      };
    }
    return toResolution(discordUserId, entry);
  }

  /** Resolves the actor for a DM: the single active company, or the one the user picked before. */
  async resolveInDm(discordUserId: string): Promise<Resolution> {
    const entries = await this.lookup(discordUserId);
    if (entries.length === 0) return { status: 'not_linked' };
    const active = entries.filter((e) => e.role !== 'UNAPPROVED' && e.role !== 'DEACTIVATED');
    if (active.length === 0) return toResolution(discordUserId, entries[0]!);
    if (active.length === 1) return toResolution(discordUserId, active[0]!);
    const chosen = await this.options.redis.get(this.keys.dmCompany(discordUserId));
    const entry = active.find((e) => e.company_id === chosen);
    if (entry) return toResolution(discordUserId, entry);
    return {
      status: 'choose_company',
      options: active.map((e) => ({ companyId: e.company_id, companyName: e.company_name, role: e.role })),
    };
  }

  /** Remembers which company the user's DMs act in. */
  async setDmCompany(discordUserId: string, companyId: string): Promise<void> {
    await this.options.redis.set(this.keys.dmCompany(discordUserId), companyId);
  }

  async getDmCompany(discordUserId: string): Promise<string | null> {
    return this.options.redis.get(this.keys.dmCompany(discordUserId));
  }

  /** Drops the cached lookup: call after link, unlink, approve, deny, merge or a role change. */
  async invalidate(discordUserId: string): Promise<void> {
    await this.options.redis.del(this.keys.lookup(discordUserId));
  }

  /**
   * Runs `action` as the resolved actor. If Valentina no longer knows the cached acting user (404 on
   * `On-Behalf-Of`), the cache entry is dropped and the actor resolved once more before giving up.
   */
  async runAsActor<T>(resolve: () => Promise<Resolution>, action: (actor: Actor) => Promise<T>): Promise<AsActor<T>> {
    const first = await resolve();
    if (first.status !== 'ok') return { acted: false, refusal: first };
    try {
      return { acted: true, value: await action(first.actor) };
    } catch (error) {
      if (!isUnknownActorError(error, first.actor.userId)) throw error;
      this.options.logger?.info({ discordUserId: first.actor.discordUserId }, 'cached actor rejected by Valentina; resolving again');
      await this.invalidate(first.actor.discordUserId);
      const second = await resolve();
      if (second.status !== 'ok') return { acted: false, refusal: second };
      return { acted: true, value: await action(second.actor) };
    }
  }

  /** Across processes: the one that claims the lookup asks Valentina, the others read what it cached. */
  private async lookupShared(discordUserId: string): Promise<LookupEntry[]> {
    const cached = await this.readCache(discordUserId);
    if (cached) return cached;
    return fillOnce(this.options.redis, {
      claimKey: this.keys.lookupLock(discordUserId),
      ttlMs: LOCK_MS,
      read: async () => (await this.readCache(discordUserId)) ?? undefined,
      fill: async () => {
        const entries = LookupCacheSchema.parse(await this.options.client.users.lookup({ discordId: discordUserId }));
        const ttl = entries.length === 0 ? this.negativeTtl : this.ttl;
        await this.options.redis.set(this.keys.lookup(discordUserId), JSON.stringify(entries), 'EX', ttl);
        return entries;
      },
    });
  }

  private async readCache(discordUserId: string): Promise<LookupEntry[] | null> {
    return readJson(this.options.redis, this.keys.lookup(discordUserId), LookupCacheSchema);
  }
}

function toResolution(discordUserId: string, entry: LookupEntry): Resolution {
  if (entry.role === 'UNAPPROVED') return { status: 'unapproved', companyName: entry.company_name };
  if (entry.role === 'DEACTIVATED') return { status: 'deactivated', companyName: entry.company_name };
  return {
    status: 'ok',
    actor: {
      discordUserId,
      userId: entry.user_id,
      role: entry.role,
      companyId: entry.company_id,
      companyName: entry.company_name,
    },
  };
}

/** True when Valentina rejected `On-Behalf-Of` because it no longer knows the acting user. */
export function isUnknownActorError(error: unknown, actorUserId: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { status, detail } = error as { status?: unknown; detail?: unknown };
  if (status !== 404 || typeof detail !== 'string') return false;
  return detail === 'Acting user not found' || detail === `User '${actorUserId}' not found`;
}

/** What the user is told when they cannot act (ephemeral). `subject` is "You" or a mention of a target. */
export function describeResolution(resolution: Refusal, subject?: string): string {
  const target = subject !== undefined;
  switch (resolution.status) {
    case 'not_linked':
      return target
        ? `${subject} hasn't linked their account to Valentina yet. They can run \`/link\` to connect it.`
        : "You haven't linked your Discord account to Valentina yet. Run `/link` to connect it, then try again.";
    case 'unapproved':
      return target
        ? `${subject} is still waiting for approval in **${resolution.companyName}**.`
        : `Your Valentina account in **${resolution.companyName}** is waiting for approval. You'll get a DM as soon as an admin approves it.`;
    case 'deactivated':
      return target
        ? `${subject}'s Valentina account in **${resolution.companyName}** is deactivated.`
        : `Your Valentina account in **${resolution.companyName}** is deactivated. Ask an admin of the company to reactivate it.`;
    case 'other_company':
      return target
        ? `${subject}'s Valentina account isn't part of **${resolution.guildCompanyName}**, the company this server plays in.`
        : `Your Valentina account belongs to ${resolution.linkedCompanyNames.map((n) => `**${n}**`).join(', ')}, but this server plays in **${resolution.guildCompanyName}**. Run \`/link\` here to join it.`;
    case 'choose_company':
      return 'You play in several companies. Run `/whoami` here in DMs and pick the one to use, then try again.';
  }
}

/**
 * Guild bindings: which Valentina company a Discord server plays in, and where the bot posts.
 * Stored in Redis as JSON (durable with AOF), validated with zod whenever it is read.
 */
import type { RedisConnection } from '../redis.js';
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import type { Logger } from '../logger.js';
import type { IdentityKeys } from '../keyspace.js';

export const GuildBindingSchema = z.object({
  version: z.literal(1),
  guildId: snowflake,
  companyId: z.string().uuid(),
  companyName: z.string(),
  approvalsChannelId: snowflake,
  defaultCampaignId: z.string().uuid().nullable(),
  defaultCampaignName: z.string().nullable(),
  auditChannelId: snowflake.nullable(),
  /** Whether approval requests may show the applicant's email (default hidden). */
  showEmailInApprovals: z.boolean().default(false),
  /** `/xp add` above this many XP asks the granter to confirm first. */
  xpConfirmAbove: z.number().int().min(0).max(1000).default(10),
  /** `/cp add` above this many cool points asks the granter to confirm first. */
  cpConfirmAbove: z.number().int().min(0).max(100).default(2),
  /** Whether `/roll` answers are public or only shown to the roller when the roller does not say (absent: public). */
  rollVisibility: z.enum(['public', 'private']).optional(),
  updatedBy: snowflake,
  updatedAt: z.string().datetime(),
});

export type GuildBinding = z.infer<typeof GuildBindingSchema>;
export type GuildBindingInput = Omit<GuildBinding, 'version' | 'updatedAt' | 'showEmailInApprovals' | 'xpConfirmAbove' | 'cpConfirmAbove'> & {
  showEmailInApprovals?: boolean;
  xpConfirmAbove?: number;
  cpConfirmAbove?: number;
};

/** How long the binding of a server that removed the bot is kept for `/setup restore`. */
export const ARCHIVE_RETENTION_DAYS = 90;

/** A binding put aside when the bot was removed from its server. */
export const ArchivedBindingSchema = z.object({
  binding: GuildBindingSchema,
  archivedAt: z.string().datetime(),
  expiresAt: z.string().datetime(),
});
export type ArchivedBinding = z.infer<typeof ArchivedBindingSchema>;

export class GuildBindingStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: IdentityKeys,
    private readonly logger?: Logger,
  ) {}

  async get(guildId: string): Promise<GuildBinding | null> {
    const raw = await this.redis.get(this.keys.guildBinding(guildId));
    if (raw === null) return null;
    return this.parse(guildId, raw);
  }

  /** Creates or replaces the binding, keeping the company → guilds index in step. */
  async set(input: GuildBindingInput, now: Date = new Date()): Promise<GuildBinding> {
    const binding = GuildBindingSchema.parse({ ...input, version: 1, updatedAt: now.toISOString() });
    const previous = await this.get(binding.guildId);
    const tx = this.redis.multi();
    if (previous && previous.companyId !== binding.companyId) {
      tx.srem(this.keys.guildsByCompany(previous.companyId), binding.guildId);
    }
    tx.set(this.keys.guildBinding(binding.guildId), JSON.stringify(binding));
    tx.sadd(this.keys.guildsByCompany(binding.companyId), binding.guildId);
    tx.sadd(this.keys.boundGuilds(), binding.guildId);
    await tx.exec();
    return binding;
  }

  async delete(guildId: string): Promise<void> {
    const previous = await this.get(guildId);
    const tx = this.redis.multi().del(this.keys.guildBinding(guildId)).srem(this.keys.boundGuilds(), guildId);
    if (previous) tx.srem(this.keys.guildsByCompany(previous.companyId), guildId);
    await tx.exec();
  }

  /**
   * The bot was removed from the server: its binding leaves the indexes (nothing is posted there any
   * more) and is kept under the archive key for {@link ARCHIVE_RETENTION_DAYS} days. Null when it was not bound.
   */
  async archive(guildId: string, now: Date = new Date()): Promise<ArchivedBinding | null> {
    const binding = await this.get(guildId);
    if (!binding) return null;
    const seconds = ARCHIVE_RETENTION_DAYS * 24 * 3600;
    const archived: ArchivedBinding = {
      binding,
      archivedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + seconds * 1000).toISOString(),
    };
    await this.redis
      .multi()
      .set(this.keys.archivedBinding(guildId), JSON.stringify(archived), 'EX', seconds)
      .del(this.keys.guildBinding(guildId))
      .srem(this.keys.boundGuilds(), guildId)
      .srem(this.keys.guildsByCompany(binding.companyId), guildId)
      .exec();
    return archived;
  }

  /** The archived binding of a server that removed the bot, while it is kept. */
  async archived(guildId: string): Promise<ArchivedBinding | null> {
    const raw = await this.redis.get(this.keys.archivedBinding(guildId));
    if (raw === null) return null;
    try {
      return ArchivedBindingSchema.parse(JSON.parse(raw));
    } catch (error) {
      this.logger?.warn({ guildId, err: error }, 'archived guild binding is unreadable; ignoring it');
      return null;
    }
  }

  /** Forgets the archive once the server is bound again (restored or connected anew). */
  async dropArchive(guildId: string): Promise<void> {
    await this.redis.del(this.keys.archivedBinding(guildId));
  }

  /** Every guild bound to the company (a company may be played in several servers). */
  async guildsForCompany(companyId: string): Promise<GuildBinding[]> {
    const ids = await this.redis.smembers(this.keys.guildsByCompany(companyId));
    return this.getMany(ids);
  }

  /** Every bound guild, for jobs that walk all companies (reconciliation). */
  async all(): Promise<GuildBinding[]> {
    return this.getMany(await this.redis.smembers(this.keys.boundGuilds()));
  }

  private async getMany(guildIds: string[]): Promise<GuildBinding[]> {
    if (guildIds.length === 0) return [];
    const raws = await this.redis.mget(guildIds.map((id) => this.keys.guildBinding(id)));
    const bindings: GuildBinding[] = [];
    raws.forEach((raw, index) => {
      const binding = raw === null ? null : this.parse(guildIds[index] ?? '?', raw);
      if (binding) bindings.push(binding);
    });
    return bindings;
  }

  private parse(guildId: string, raw: string): GuildBinding | null {
    try {
      return GuildBindingSchema.parse(JSON.parse(raw));
    } catch (error) {
      this.logger?.warn({ guildId, err: error }, 'stored guild binding is unreadable; treating the guild as not set up');
      return null;
    }
  }
}

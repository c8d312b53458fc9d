/**
 * OAuth `state` tokens for `/link`: random, single use, bound to the Discord user who asked, the
 * guild/company they asked from, and a 10-minute expiry. Any bot process can consume them.
 */
import { randomBytes } from 'node:crypto';
import { parseJson, type RedisConnection } from '../redis.js';
import { z } from 'zod';
import type { IdentityKeys } from '../keyspace.js';

export const OAUTH_STATE_TTL_SECONDS = 600;
/** How long a consumed or expired token is remembered, to tell "expired/used" from "forged". */
const ISSUED_MEMORY_SECONDS = 24 * 60 * 60;

export const OAuthStateSchema = z.object({
  discordUserId: z.string().regex(/^\d{15,21}$/),
  guildId: z.string().regex(/^\d{15,21}$/).nullable(),
  companyId: z.string().uuid(),
  /** Interaction token of the `/link` reply, to follow up in Discord (valid 15 minutes). */
  interactionToken: z.string().max(500).nullable(),
  createdAt: z.string().datetime(),
});
export type OAuthState = z.infer<typeof OAuthStateSchema>;

export type ConsumeResult =
  | { ok: true; state: OAuthState }
  | { ok: false; reason: 'unknown' | 'expired_or_used' };

export class OAuthStateStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: IdentityKeys,
    private readonly ttlSeconds: number = OAUTH_STATE_TTL_SECONDS,
  ) {}

  async create(input: Omit<OAuthState, 'createdAt'>, now: Date = new Date()): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    const state = OAuthStateSchema.parse({ ...input, createdAt: now.toISOString() });
    await this.redis
      .multi()
      .set(this.keys.oauthState(token), JSON.stringify(state), 'EX', this.ttlSeconds)
      .set(this.keys.oauthIssued(token), '1', 'EX', ISSUED_MEMORY_SECONDS)
      .exec();
    return token;
  }

  /** Atomically takes the state: a second call with the same token never succeeds. */
  async consume(token: string): Promise<ConsumeResult> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return { ok: false, reason: 'unknown' };
    const raw = await this.redis.getdel(this.keys.oauthState(token));
    if (raw === null) {
      const issued = await this.redis.exists(this.keys.oauthIssued(token));
      return { ok: false, reason: issued ? 'expired_or_used' : 'unknown' };
    }
    const state = parseJson(raw, OAuthStateSchema);
    return state ? { ok: true, state } : { ok: false, reason: 'unknown' };
  }
}

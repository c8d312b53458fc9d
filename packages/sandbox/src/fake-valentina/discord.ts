/**
 * Discord access-token verification as the API does it (§3.4): `GET {base}/users/@me` with the
 * bearer token, or, without a base URL, a lookup in an in-process token table.
 */
import { z } from 'zod';
import { ApiError } from './problem.js';
import type { DiscordProfile } from './model.js';

/** The subset of Discord's `/users/@me` payload the API reads. */
export interface DiscordUserPayload {
  id?: string;
  username?: string | null;
  global_name?: string | null;
  avatar?: string | null;
  discriminator?: string | null;
  email?: string | null;
  verified?: boolean | null;
}

export type DiscordTokenEntry = DiscordUserPayload | 'reject' | 'unavailable';

export type DiscordVerifier = (token: string) => Promise<DiscordProfile>;

const discordUserSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  username: z.string().nullish(),
  global_name: z.string().nullish(),
  avatar: z.string().nullish(),
  discriminator: z.string().nullish(),
  email: z.string().nullish(),
  verified: z.boolean().nullish(),
});

const rejected = () => new ApiError(422, 'Discord rejected the access token', { code: 'TOKEN_VERIFICATION_FAILED' });
const unavailable = (why: string) =>
  new ApiError(503, `Discord is unavailable: ${why}`, { code: 'PROVIDER_UNAVAILABLE' });

function toProfile(payload: unknown): DiscordProfile {
  const parsed = discordUserSchema.safeParse(payload);
  if (!parsed.success || parsed.data.id === undefined || String(parsed.data.id) === '') {
    throw new ApiError(422, 'Discord returned a profile without an id', { code: 'TOKEN_VERIFICATION_FAILED' });
  }
  const user = parsed.data;
  return {
    id: String(user.id),
    username: user.username ?? null,
    global_name: user.global_name ?? null,
    avatar_id: user.avatar ?? null,
    discriminator: user.discriminator ?? null,
    email: user.email ?? null,
    verified: user.verified === true,
  };
}

export function createDiscordVerifier(options: {
  baseUrl: string | undefined;
  timeoutMs: number;
  tokens: Map<string, DiscordTokenEntry>;
}): DiscordVerifier {
  const { baseUrl, timeoutMs, tokens } = options;
  if (baseUrl === undefined) {
    return async (token) => {
      const entry = tokens.get(token);
      if (entry === undefined || entry === 'reject') throw rejected();
      if (entry === 'unavailable') throw unavailable('provider unavailable');
      return toProfile(entry);
    };
  }
  const endpoint = `${baseUrl.replace(/\/+$/, '')}/users/@me`;
  return async (token) => {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw unavailable(error instanceof Error ? error.name : 'network error');
    }
    if (response.status === 401) {
      await response.body?.cancel();
      throw rejected();
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable(`status ${response.status}`);
    }
    let payload: unknown;
    try {
      payload = await response.json();
    } catch {
      throw new ApiError(422, 'Discord returned an unreadable profile', { code: 'TOKEN_VERIFICATION_FAILED' });
    }
    return toProfile(payload);
  };
}

/**
 * The Redis cache behind `/roll` (src/rolls/roster.ts reads and fills it): the company's living
 * characters with their player and campaign, as staff or as a player sees them. createApp makes the
 * one of the process (`BotDeps.rollCaches`), so concurrent misses in it share one load.
 */
import { z } from 'zod';
import type { RedisConnection } from '../redis.js';
import { CachedJson } from './cached-json.js';

const Roster = z.array(
  z.object({
    id: z.string().uuid(),
    name: z.string(),
    type: z.enum(['PLAYER', 'NPC', 'STORYTELLER']),
    playerId: z.string().uuid().nullable(),
    campaignId: z.string().uuid().nullable(),
  }),
);
/** One living character of a company, as a roll needs it. */
export type RosterEntry = z.infer<typeof Roster>[number];

/** Seconds a roster is trusted (characters change in the web app too). */
export const ROSTER_TTL_SECONDS = 120;

export interface RollCaches {
  roster: CachedJson<typeof Roster>;
}

export function createRollCaches(redis: RedisConnection): RollCaches {
  return { roster: new CachedJson(redis, Roster, ROSTER_TTL_SECONDS) };
}

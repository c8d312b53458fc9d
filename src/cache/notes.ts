/**
 * The Redis caches of notes (src/notes/cache.ts reads and fills them): a user's note titles and the
 * bodies of notes the bot just saved or showed. createApp makes the one of the process
 * (`BotDeps.noteCaches`), so concurrent misses in it share one load.
 */
import { z } from 'zod';
import type { RedisConnection } from '../redis.js';
import { CachedJson } from './cached-json.js';

export const INDEX_TTL_SECONDS = 60;
export const BODY_TTL_SECONDS = 600;

const IndexSchema = z.array(z.object({ id: z.string().uuid(), title: z.string(), date_created: z.string(), size: z.number().int() }));
export type NoteIndexEntry = z.infer<typeof IndexSchema>[number];
const BodySchema = z.object({ id: z.string().uuid(), title: z.string(), content: z.string(), date_created: z.string(), date_modified: z.string() });
export type NoteBody = z.infer<typeof BodySchema>;

export interface NoteCaches {
  index: CachedJson<typeof IndexSchema>;
  body: CachedJson<typeof BodySchema>;
}

export function createNoteCaches(redis: RedisConnection): NoteCaches {
  return { index: new CachedJson(redis, IndexSchema, INDEX_TTL_SECONDS), body: new CachedJson(redis, BodySchema, BODY_TTL_SECONDS) };
}

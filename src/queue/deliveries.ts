/**
 * The delivery queue: messages the bot must get into Discord even when Discord hiccups (XP audit
 * records, DMs after an approval decision, note confirmations that could not be sent at once).
 *
 * Exactly once: a job's id is its dedupe key, so enqueuing the same delivery twice is a no-op; and
 * every message carries a `nonce` derived from that key with `enforce_nonce`, so a worker killed
 * between posting and acknowledging the job does not post it again when the job is retried.
 */
import { createHash } from 'node:crypto';
import type { REST } from '@discordjs/rest';
import { Queue, UnrecoverableError, Worker, type Job, type KeepJobs } from 'bullmq';
import { Routes, type RESTPostAPIChannelMessageResult, type RESTPostAPICurrentUserCreateDMChannelResult } from 'discord.js';
import type { RedisConnection } from '../redis.js';
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import { loggableError } from '../discord/errors.js';
import type { Logger } from '../logger.js';
import { KEEP_FAILED_JOBS, QUEUE_NAMES } from './connection.js';

export const MessagePayloadSchema = z.object({
  content: z.string().max(2000).optional(),
  embeds: z.array(z.record(z.string(), z.unknown())).max(10).optional(),
  components: z.array(z.record(z.string(), z.unknown())).max(5).optional(),
  allowed_mentions: z.record(z.string(), z.unknown()).optional(),
});
export type MessagePayload = z.infer<typeof MessagePayloadSchema>;

export const DeliveryJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('channel'), channelId: snowflake, message: MessagePayloadSchema }),
  z.object({ kind: z.literal('dm'), userId: snowflake, message: MessagePayloadSchema }),
]);
export type DeliveryJob = z.infer<typeof DeliveryJobSchema>;

export interface DeliveryResult {
  channelId: string;
  messageId: string;
}

export const DELIVERY_ATTEMPTS = 8;

export interface DeliveryQueueOptions {
  connection: RedisConnection;
  /** BullMQ's key prefix (`keys.queuePrefix`, src/keyspace.ts). */
  prefix: string;
  /** Failed deliveries kept for inspection; default {@link KEEP_FAILED_JOBS}. */
  keepFailed?: KeepJobs;
  /** Wait before the first retry, doubled for each next one; default {@link DELIVERY_RETRY_DELAY_MS}. */
  retryDelayMs?: number;
}

/** A failed delivery is retried after 1 s, then 2 s, 4 s…: Discord's 5xx and dropped connections are brief. */
export const DELIVERY_RETRY_DELAY_MS = 1_000;

/** Producer side: any process may enqueue. */
export class DeliveryQueue {
  readonly queue: Queue<DeliveryJob, DeliveryResult>;

  constructor(options: DeliveryQueueOptions) {
    this.queue = new Queue<DeliveryJob, DeliveryResult>(QUEUE_NAMES.deliveries, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: {
        attempts: DELIVERY_ATTEMPTS,
        backoff: { type: 'exponential', delay: options.retryDelayMs ?? DELIVERY_RETRY_DELAY_MS },
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: options.keepFailed ?? KEEP_FAILED_JOBS,
      },
    });
  }

  /**
   * Enqueues a delivery. `dedupeKey` names the delivery (e.g. `xp-audit:<interaction id>`): the same
   * key is delivered once, however often it is enqueued.
   */
  async enqueue(dedupeKey: string, job: DeliveryJob): Promise<void> {
    const data = DeliveryJobSchema.parse(job);
    await this.queue.add(job.kind, data, { jobId: jobIdFor(dedupeKey) });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** BullMQ job ids may not contain ':' alone as a separator pattern it reserves; hash long keys. */
export function jobIdFor(dedupeKey: string): string {
  const safe = dedupeKey.replace(/[^A-Za-z0-9_.-]/g, '_');
  return safe.length <= 100 ? safe : createHash('sha256').update(dedupeKey).digest('hex');
}

/** A Discord message nonce (at most 25 characters) derived from the job id. */
export function nonceFor(jobId: string): string {
  return createHash('sha256').update(jobId).digest('base64url').slice(0, 25);
}

export interface DeliveryWorkerOptions {
  connection: RedisConnection;
  /** BullMQ's key prefix (`keys.queuePrefix`, src/keyspace.ts). */
  prefix: string;
  rest: REST;
  logger: Logger;
  concurrency?: number;
}

/** Consumer side: runs in processes with the `worker` role. */
export function startDeliveryWorker(options: DeliveryWorkerOptions): Worker<DeliveryJob, DeliveryResult> {
  const { rest, logger } = options;
  const worker = new Worker<DeliveryJob, DeliveryResult>(
    QUEUE_NAMES.deliveries,
    async (job: Job<DeliveryJob, DeliveryResult>) => {
      const parsed = DeliveryJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`malformed delivery job: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const data = parsed.data;
      try {
        const channelId = data.kind === 'channel' ? data.channelId : await openDm(rest, data.userId);
        const body = { ...data.message, nonce: nonceFor(job.id ?? job.name), enforce_nonce: true };
        const message = (await rest.post(Routes.channelMessages(channelId), { body })) as RESTPostAPIChannelMessageResult;
        return { channelId, messageId: message.id };
      } catch (error) {
        if (isPermanentDiscordError(error)) {
          logger.warn({ jobId: job.id, kind: data.kind, err: loggableError(error) }, 'delivery refused by Discord; not retrying');
          throw new UnrecoverableError(error instanceof Error ? error.message : 'refused by Discord');
        }
        throw error;
      }
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 4 },
  );
  worker.on('failed', (job, error) => {
    logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: loggableError(error) }, 'delivery attempt failed');
  });
  return worker;
}

async function openDm(rest: REST, userId: string): Promise<string> {
  const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as RESTPostAPICurrentUserCreateDMChannelResult;
  return channel.id;
}

/** 4xx answers other than rate limits will not change on retry (missing access, DMs closed, unknown channel). */
function isPermanentDiscordError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 429 && status !== 408;
}

/**
 * Notes Valentina could not take right away: kept in a BullMQ queue (in Redis, so a restart loses
 * nothing) and saved when Valentina answers again; the author gets a DM once it is saved.
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { BotDeps } from '../discord/types.js';
import { queuePrefix, QUEUE_NAMES } from '../queue/connection.js';
import type { WorkerModule } from '../queue/workers.js';
import { ValentinaError } from '../valentina/index.js';

export const PendingNoteSchema = z.object({
  companyId: z.string().uuid(),
  userId: z.string().uuid(),
  discordUserId: z.string().regex(/^\d{15,21}$/),
  messageId: z.string().regex(/^\d{15,21}$/),
  title: z.string().min(1).max(50),
  content: z.string().min(1),
});
export type PendingNote = z.infer<typeof PendingNoteSchema>;

const queues = new WeakMap<BotDeps, Queue>();

export function notesQueueFor(deps: BotDeps): Queue {
  let queue = queues.get(deps);
  if (!queue) {
    queue = new Queue(QUEUE_NAMES.notes, {
      connection: deps.queueConnection,
      prefix: queuePrefix(deps.config.redis.prefix),
      defaultJobOptions: { attempts: 25, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { age: 3600 }, removeOnFail: false },
    });
    queues.set(deps, queue);
  }
  return queue;
}

/** The idempotency key of a DM's note: the same message never becomes two notes. */
export const noteKey = (messageId: string) => `dm-note:${messageId}`;

export async function queueNote(deps: BotDeps, note: PendingNote): Promise<void> {
  await notesQueueFor(deps).add('note', PendingNoteSchema.parse(note), { jobId: `note_${note.messageId}` });
}

function startNotesWorker(deps: BotDeps, connection: Redis): Worker {
  const worker = new Worker(
    QUEUE_NAMES.notes,
    async (job: Job) => {
      const parsed = PendingNoteSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError('malformed pending note');
      const note = parsed.data;
      try {
        await deps.valentina.notes.create(note.companyId, note.userId, { title: note.title, content: note.content }, { onBehalfOf: note.userId, idempotencyKey: noteKey(note.messageId) });
      } catch (error) {
        if (error instanceof ValentinaError && !error.retryable && error.status !== 0) {
          await deps.deliveries.enqueue(`note-failed:${note.messageId}`, { kind: 'dm', userId: note.discordUserId, message: { content: `Valentina refused your note **${note.title}** (${error.detail}). Here it is, so nothing is lost:\n\n${note.content}`.slice(0, 2000) } });
          throw new UnrecoverableError(error.detail);
        }
        throw error;
      }
      await deps.deliveries.enqueue(`note-saved:${note.messageId}`, { kind: 'dm', userId: note.discordUserId, message: { content: `Your note **${note.title}** is saved in Valentina now. ✅` } });
    },
    { connection, prefix: queuePrefix(deps.config.redis.prefix), concurrency: 2 },
  );
  worker.on('failed', (job, error) => deps.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'pending note not saved yet'));
  return worker;
}

export const notesWorker: WorkerModule = {
  name: 'notes',
  start: startNotesWorker,
  depth: (deps) => notesQueueFor(deps).getJobCountByTypes('waiting', 'prioritized', 'delayed'),
};

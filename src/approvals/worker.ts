/**
 * The approval worker: posts each request to the approvals channel of every server bound to the
 * company, once. A request already posted in a server is not posted again (a Redis record, plus a
 * Discord nonce for the moment between posting and recording), and a user who is no longer waiting
 * is skipped. Reconciliation enqueues every unapproved user that has no request yet.
 */
import { createHash } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BotDeps } from '../discord/types.js';
import { queuePrefix, QUEUE_NAMES } from '../queue/connection.js';
import { ValentinaNotFoundError } from '../valentina/index.js';
import { requestComponents, requestEmbed } from './message.js';
import { approvalJobId, approvalKeys, ApprovalJobSchema, type ApprovalJob } from './queue.js';
import { approvalQueueFor } from './registry.js';

const nonce = (job: ApprovalJob, guildId: string) => createHash('sha256').update(`${approvalJobId(job)}:${guildId}`).digest('base64url').slice(0, 25);

/** An ADMIN of the company: the only role Valentina lets list unapproved users. */
export async function findAdmin(companyId: string, deps: BotDeps): Promise<string | null> {
  const admins = await deps.valentina.users.page(companyId, { role: 'ADMIN', limit: 1 });
  return admins.items[0]?.id ?? null;
}

export async function postRequest(job: ApprovalJob, deps: BotDeps): Promise<number> {
  let user;
  try {
    user = await deps.valentina.users.get(job.companyId, job.userId);
  } catch (error) {
    if (error instanceof ValentinaNotFoundError) return 0;
    throw error;
  }
  if (user.role !== 'UNAPPROVED') return 0;
  const keys = approvalKeys(deps.config.redis.prefix);
  const guilds = await deps.bindings.guildsForCompany(job.companyId);
  const posted = await deps.redis.hgetall(keys.posted(job));
  const targets = (await deps.valentina.users.listAll(job.companyId))
    .filter((u) => u.role !== 'UNAPPROVED' && u.role !== 'DEACTIVATED' && u.id !== job.userId)
    .map((u) => ({ id: u.id, username: u.username }));
  let count = 0;
  for (const binding of guilds) {
    if (posted[binding.guildId]) continue;
    const body = {
      embeds: [requestEmbed(user, binding.companyName, binding.showEmailInApprovals).toJSON()],
      components: requestComponents(job.companyId, job.userId, targets).map((row) => row.toJSON()),
      allowed_mentions: { parse: [] },
      nonce: nonce(job, binding.guildId),
      enforce_nonce: true,
    };
    const message = (await deps.rest.post(`/channels/${binding.approvalsChannelId}/messages`, { body })) as { id: string };
    await deps.redis.hset(keys.posted(job), binding.guildId, `${binding.approvalsChannelId}:${message.id}`);
    count += 1;
  }
  return count;
}

export async function reconcile(deps: BotDeps): Promise<number> {
  const companies = new Set((await deps.bindings.all()).map((b) => b.companyId));
  let enqueued = 0;
  for (const companyId of companies) {
    const admin = await findAdmin(companyId, deps);
    if (!admin) {
      deps.logger.warn({ companyId }, 'no admin in the company: unapproved users cannot be listed');
      continue;
    }
    for (const user of await deps.valentina.users.listUnapproved(companyId, { onBehalfOf: admin })) {
      const job = { companyId, userId: user.id };
      if (Object.keys(await deps.redis.hgetall(approvalKeys(deps.config.redis.prefix).posted(job))).length > 0) continue;
      await approvalQueueFor(deps).enqueue(job);
      enqueued += 1;
    }
  }
  return enqueued;
}

export function startApprovalWorker(deps: BotDeps, connection: Redis): Worker {
  const worker = new Worker(
    QUEUE_NAMES.approvals,
    async (job: Job) => {
      if (job.name === 'reconcile') return { enqueued: await reconcile(deps) };
      const parsed = ApprovalJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError('malformed approval job');
      return { posted: await postRequest(parsed.data, deps) };
    },
    { connection, prefix: queuePrefix(deps.config.redis.prefix), concurrency: 2 },
  );
  worker.on('failed', (job, error) => deps.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'approval job failed'));
  void approvalQueueFor(deps).scheduleReconciliation().catch((error: unknown) => deps.logger.warn({ err: error }, 'could not schedule reconciliation'));
  return worker;
}

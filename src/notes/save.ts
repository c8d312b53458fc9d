/**
 * Processing one burst job: wait for quiet, find the company, seal the burst into drafts, save them.
 *
 *   open burst still receiving   → delayed until quiet (DelayedError, not an attempt)
 *   several companies, none picked → delayed until the user picks one (at most a day)
 *   not linked / not approved    → the user is told; the messages were not saved (and said so)
 *   Valentina unavailable        → "pending" DM once, then retried with backoff (attempts)
 *   answer lost after sending    → "pending" DM once; the retry first looks for the note among the
 *                                  user's notes (read fresh) and sends it again only when it is not there
 *   Valentina refuses the note   → the user gets the refusal and their text back
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { BotDeps } from '../discord/types.js';
import { describeResolution, isUnknownActorError } from '../identity/resolver.js';
import { MessagePayloadSchema, type MessagePayload } from '../queue/deliveries.js';
import { ValentinaBudgetError, ValentinaError, ValentinaOutcomeUnknownError, type Note } from '../valentina/index.js';
import { BurstBuffer, toParts } from './burst.js';
import { afterWrite } from './cache.js';
import { composeNotes, splitNotice } from './compose.js';
import { confirmationMessage } from './confirm.js';
import { BurstJobSchema, type BurstJob } from './job.js';
import type { BurstSettings } from './settings.js';

const COMPANY_RECHECK_MS = 10 * 60_000;
/** Budget of one save attempt, the client's own retries included, so a pending note is reported quickly. */
const ATTEMPT_BUDGET_MS = 8_000;

/** The Idempotency-Key of a draft: the same burst never becomes two notes, however often it is retried. */
export const draftKey = (burstId: string, index: number) => `dm-note:${burstId}:${index}`;

const dm = (deps: BotDeps, key: string, userId: string, message: MessagePayload) => deps.deliveries.enqueue(key, { kind: 'dm', userId, message });

function plain(content: string): MessagePayload {
  return { content: content.length <= 2000 ? content : `${content.slice(0, 1990)}…`, allowed_mentions: { parse: [] } };
}

/** The text of a note the user gets back when it could not be saved (the head of it when very long). */
function giveBack(intro: string, text: string): MessagePayload {
  const room = 1900 - intro.length;
  const shown = text.length <= room ? text : `${text.slice(0, room)}\n… (${text.length - room} more characters are still in your messages above)`;
  return plain(`${intro}\n\n${shown}`);
}

export async function processBurst(job: Job, token: string | undefined, deps: BotDeps, settings: BurstSettings): Promise<string> {
  const parsed = BurstJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError('malformed notes job');
  const data = parsed.data;
  try {
    if (!data.sealed) {
      const outcome = await seal(job, token, deps, settings, data);
      if (outcome !== 'sealed') return outcome;
    }
    return await saveDrafts(job, deps, settings, data);
  } catch (error) {
    // A spent budget is a short wait (the job is delayed until a token is due), not a pending note.
    const waiting = error instanceof ValentinaBudgetError;
    if (error instanceof ValentinaError && !waiting && (error.retryable || error instanceof ValentinaOutcomeUnknownError)) await notifyPending(job, deps, data, error);
    throw error;
  }
}

async function delay(job: Job, token: string | undefined, until: number): Promise<never> {
  await job.moveToDelayed(until, token);
  throw new DelayedError();
}

async function seal(job: Job, token: string | undefined, deps: BotDeps, settings: BurstSettings, data: BurstJob): Promise<string> {
  const buffer = new BurstBuffer(deps.redis, deps.keys.notes);
  const open = await buffer.open(data.discordUserId);
  if (open?.id === data.burstId) {
    const due = Math.min(open.last + settings.quietMs, open.first + settings.maxAgeMs);
    if (Date.now() < due) await delay(job, token, due);
  }
  const resolution = await deps.resolver.resolveInDm(data.discordUserId);
  if (resolution.status === 'choose_company') {
    if (Date.now() - data.firstAt < settings.companyWaitMs) {
      await buffer.awaitCompany(data.discordUserId, data.burstId);
      await delay(job, token, Date.now() + COMPANY_RECHECK_MS);
    }
    const parts = await buffer.seal(data.discordUserId, data.burstId);
    await buffer.discard(data.burstId);
    await dm(deps, `note-nocompany:${data.burstId}`, data.discordUserId, giveBack(
      'Nobody picked a company for these messages within a day, so they were not saved as a note. Run `/notes company` to choose one. Your text:',
      parts.map((p) => p.text).join('\n'),
    ));
    return 'no company';
  }
  if (resolution.status !== 'ok') {
    await buffer.seal(data.discordUserId, data.burstId);
    await buffer.discard(data.burstId);
    await dm(deps, `note-refused:${data.burstId}`, data.discordUserId, plain(`${describeResolution(resolution)}\nYour last messages were not saved as a note.`));
    return 'cannot act';
  }
  const { actor } = resolution;
  const parts = await buffer.seal(data.discordUserId, data.burstId);
  if (parts.length === 0) return 'empty';
  const composed = composeNotes(toParts(parts), new Date(data.firstAt));
  if (!composed.ok) {
    await buffer.discard(data.burstId);
    await dm(deps, `note-short:${data.burstId}`, data.discordUserId, plain(composed.reason));
    return 'too short';
  }
  data.sealed = {
    companyId: actor.companyId,
    companyName: actor.companyName,
    userId: actor.userId,
    drafts: composed.drafts,
    messages: parts.length,
    totalChars: composed.totalChars,
  };
  await job.updateData(data);
  await buffer.discard(data.burstId);
  return 'sealed';
}

async function saveDrafts(job: Job, deps: BotDeps, settings: BurstSettings, data: BurstJob): Promise<string> {
  const sealed = data.sealed!;
  const owner = { companyId: sealed.companyId, userId: sealed.userId };
  const total = sealed.drafts.length;
  for (const [index, draft] of sealed.drafts.entries()) {
    if (data.saved.some((s) => s.index === index)) continue;
    let note: Note;
    try {
      // A draft sent before may be saved already, its answer lost: the idempotency key replays only answers
      // that arrived, so the user's notes are searched first (around Valentina's response cache).
      const earlier = data.sent.includes(index) ? await findSaved(deps, sealed.companyId, sealed.userId, draft) : undefined;
      if (!earlier && !data.sent.includes(index)) {
        data.sent.push(index);
        await job.updateData(data);
      }
      note =
        earlier ??
        (await deps.valentina.notes.create(sealed.companyId, sealed.userId, draft, {
          onBehalfOf: sealed.userId,
          idempotencyKey: draftKey(data.burstId, index),
          deadline: Date.now() + ATTEMPT_BUDGET_MS,
        }));
    } catch (error) {
      if (!(error instanceof ValentinaError) || error.retryable || error instanceof ValentinaOutcomeUnknownError) throw error;
      if (isUnknownActorError(error, sealed.userId)) await deps.resolver.invalidate(data.discordUserId);
      const reference = error.requestId ? ` (request ${error.requestId})` : '';
      await dm(deps, `note-failed:${data.burstId}:${index}`, data.discordUserId, giveBack(
        `Valentina refused your note **${draft.title}**: ${error.detail}${reference}. Here is its text, so nothing is lost:`,
        draft.content,
      ));
      throw new UnrecoverableError(`note refused: ${error.status}`);
    }
    const confirmation = confirmationMessage(note, {
      companyId: sealed.companyId,
      companyName: sealed.companyName,
      savedAt: Date.now(),
      messages: sealed.messages,
      quietMs: settings.quietMs,
      wasPending: data.pending,
      ...(index === 0 && total > 1 ? { notice: splitNotice(sealed.totalChars, total) } : {}),
    });
    await dm(deps, `note-saved:${data.burstId}:${index}`, data.discordUserId, MessagePayloadSchema.parse({ ...confirmation, allowed_mentions: { parse: [] } }));
    data.saved.push({ index, noteId: note.id });
    await job.updateData(data);
    await afterWrite(deps, owner, note);
    deps.logger.info({ kind: 'dm-note', userId: data.discordUserId, outcome: 'ok', part: index + 1, of: total, pending: data.pending }, 'note saved');
  }
  return `saved ${total}`;
}

/** The user's note with exactly this title and content, read fresh, if there is one. */
async function findSaved(deps: BotDeps, companyId: string, userId: string, draft: { title: string; content: string }): Promise<Note | undefined> {
  const notes = await deps.valentina.notes.listAll(companyId, userId, { onBehalfOf: userId, fresh: true, deadline: Date.now() + ATTEMPT_BUDGET_MS });
  return notes.find((n) => n.title.trim() === draft.title.trim() && n.content.trim() === draft.content.trim());
}

async function notifyPending(job: Job, deps: BotDeps, data: BurstJob, error: ValentinaError): Promise<void> {
  if (data.pending) return;
  data.pending = true;
  await job.updateData(data).catch(() => undefined);
  const what = data.sealed ? `Your note **${data.sealed.drafts[0]!.title}**${data.sealed.drafts.length > 1 ? ` (and ${data.sealed.drafts.length - 1} more)` : ''}` : 'Your note';
  const why = error.status === 429 ? 'Valentina is rate limiting the bot right now' : "Valentina isn't answering right now";
  const reference = error.requestId ? ` (request ${error.requestId})` : '';
  await dm(deps, `note-pending:${data.burstId}`, data.discordUserId, plain(
    `⏳ ${why}${reference}. ${what} is **pending**: it is kept safe and will be saved as soon as Valentina is back — I'll tell you here when it is.`,
  ));
}

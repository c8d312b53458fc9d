/**
 * The public record of a change, reachable after it was sent: its interaction's webhook (application id
 * and token, a secret never logged) is kept while the token can still edit the answer, so an undo made
 * with `/xp undo` marks the record as the Undo button does.
 */
import { EmbedBuilder, Routes } from 'discord.js';
import { z } from 'zod';
import { loggableError } from '../discord/errors.js';
import { snowflake } from '../discord/snowflake.js';
import type { BotDeps } from '../discord/types.js';
import { readJson } from '../redis.js';

/** The interaction whose answer is the record. */
export interface RecordOrigin {
  applicationId: string;
  token: string;
}

const RecordOriginSchema = z.object({ applicationId: snowflake, token: z.string().min(1) });
/** Discord lets an interaction's answer be edited for 15 minutes; a little less, to be safe. */
const TOKEN_KEPT_SECONDS = 14 * 60;

export async function rememberRecord(companyId: string, entryId: string, origin: RecordOrigin, deps: Pick<BotDeps, 'redis' | 'keys' | 'logger'>): Promise<void> {
  const value = JSON.stringify({ applicationId: origin.applicationId, token: origin.token });
  await deps.redis
    .set(deps.keys.experience.ledgerRecord(companyId, entryId), value, 'EX', TOKEN_KEPT_SECONDS)
    .catch((error: unknown) => deps.logger.warn({ err: loggableError(error), entryId }, 'could not keep the way to a record for its undo'));
}

/** Marks the record of an undone change (`mark` rewrites its embed); false when it can no longer be edited. */
export async function markRecord(companyId: string, entryId: string, mark: (record: EmbedBuilder) => EmbedBuilder, deps: Pick<BotDeps, 'redis' | 'keys' | 'logger' | 'rest'>): Promise<boolean> {
  const origin = await readJson(deps.redis, deps.keys.experience.ledgerRecord(companyId, entryId), RecordOriginSchema);
  if (!origin) return false;
  const route = Routes.webhookMessage(origin.applicationId, origin.token);
  try {
    const message = z.object({ embeds: z.array(z.record(z.string(), z.unknown())) }).parse(await deps.rest.get(route, { auth: false }));
    const shown = message.embeds[0];
    if (!shown) return false;
    const embed = mark(EmbedBuilder.from(shown));
    await deps.rest.patch(route, { body: { embeds: [embed.toJSON()], components: [], allowed_mentions: { parse: [] } }, auth: false });
    return true;
  } catch (error) {
    deps.logger.warn({ err: loggableError(error), entryId }, 'the record of an undone change could not be marked');
    return false;
  }
}

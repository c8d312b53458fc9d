/** Messages between the chart worker pool and its worker threads, validated on both sides. */
import { z } from 'zod';
import { StatsChartInputSchema } from './schema.js';

export const RenderRequestSchema = z.object({ id: z.number().int(), input: StatsChartInputSchema });
export type RenderRequest = z.infer<typeof RenderRequestSchema>;

export const RenderReplySchema = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int(), ok: z.literal(true), png: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected PNG bytes') }),
  z.object({ id: z.number().int(), ok: z.literal(false), name: z.string(), message: z.string() }),
]);
export type RenderReply = z.infer<typeof RenderReplySchema>;

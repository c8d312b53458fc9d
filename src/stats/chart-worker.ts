/**
 * Worker-thread entry of the chart pool: draws and encodes synchronously, so the whole render stays
 * on this thread (neither the main event loop nor libuv's shared thread pool is used).
 */
import { parentPort } from 'node:worker_threads';
import { drawStatsChart } from './draw.js';
import { ensureChartFont } from './fonts.js';
import { EmptyStatisticsError, hasRolls } from './schema.js';
import { RenderRequestSchema } from './worker-protocol.js';
import type { RenderReply } from './worker-protocol.js';

if (parentPort == null) throw new Error('chart-worker must run as a worker thread');
const port = parentPort;
ensureChartFont();

port.on('message', (message: unknown) => {
  const parsed = RenderRequestSchema.safeParse(message);
  const id = typeof message === 'object' && message != null && 'id' in message && typeof message.id === 'number' ? message.id : -1;
  let reply: RenderReply;
  try {
    if (!parsed.success) throw parsed.error;
    if (!hasRolls(parsed.data.input)) throw new EmptyStatisticsError();
    const png = drawStatsChart(parsed.data.input).encodeSync('png');
    reply = { id, ok: true, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    reply = { id, ok: false, name: err.name, message: err.message };
  }
  port.postMessage(reply);
});

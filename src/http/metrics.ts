/**
 * Prometheus metrics, one registry per app so tests and several apps in one process never share
 * counters. Everything the bot measures is recorded through {@link BotMetrics}; `/metrics` renders
 * the registry.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ResponseInfo } from '../valentina/index.js';

export type InteractionKind = 'command' | 'autocomplete' | 'component' | 'modal';

/** How an interaction ended, as counted and logged. */
export type InteractionOutcome =
  | 'ok'
  | 'user_error'
  | 'upstream_error'
  | 'error'
  | 'expired'
  | 'unknown_command'
  | 'late'
  | 'shutting_down'
  /** The work was done but Discord would not take the answer; it went to the delivery queue. */
  | 'undelivered';

export interface InteractionRecord {
  command: string;
  kind: InteractionKind;
  outcome: InteractionOutcome;
  seconds: number;
}

/** Reads the number of waiting jobs of one queue when `/metrics` is scraped. */
export type QueueDepthReader = () => Promise<number> | number;

export interface BotMetrics {
  readonly registry: Registry;
  recordInteraction(record: InteractionRecord): void;
  /** Matches the Valentina client's `onResponse` hook. */
  recordValentinaResponse(info: Pick<ResponseInfo, 'method' | 'endpoint' | 'status'> & Partial<Pick<ResponseInfo, 'durationMs'>>): void;
  /** Queue workers register their depth here; the gauge is read at scrape time. */
  registerQueueDepth(queue: string, read: QueueDepthReader): void;
  /** The text `/metrics` serves. */
  render(): Promise<string>;
}

/** Buckets around Discord's 3 s budget: most answers land in the first few. */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10];
/** Valentina attempts: a healthy API answers in tens of milliseconds; the client's timeout is 10 s. */
const UPSTREAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function valentinaErrorReason(status: number): string | undefined {
  if (status === 0) return 'network';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return undefined;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): BotMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const interactions = new Counter({
    name: 'interactions_total',
    help: 'Discord interactions handled, by command, kind and outcome.',
    labelNames: ['command', 'kind', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'interaction_latency_seconds',
    help: 'Time from receiving an interaction to finishing its answer, by command (registered names only) and kind.',
    labelNames: ['command', 'kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const valentinaRequests = new Counter({
    name: 'valentina_requests_total',
    help: 'Valentina API request attempts, by templated endpoint and HTTP status (0: no answer).',
    labelNames: ['endpoint', 'status'] as const,
    registers: [registry],
  });
  const valentinaLatency = new Histogram({
    name: 'valentina_request_duration_seconds',
    help: 'Time of each Valentina API request attempt until its answer (or failure), by templated endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: UPSTREAM_BUCKETS,
    registers: [registry],
  });
  const valentinaErrors = new Counter({
    name: 'valentina_request_errors_total',
    help: 'Valentina API request attempts that failed upstream, by endpoint and reason (network, server, rate_limited).',
    labelNames: ['endpoint', 'reason'] as const,
    registers: [registry],
  });

  const queueReaders = new Map<string, QueueDepthReader>();
  new Gauge({
    name: 'queue_depth',
    help: 'Jobs waiting in each queue, read when scraped.',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [queue, read] of queueReaders) {
        try {
          this.set({ queue }, await read());
        } catch {
          // A queue whose depth cannot be read is left out of this scrape rather than failing it.
        }
      }
    },
  });

  return {
    registry,
    recordInteraction({ command, kind, outcome, seconds }) {
      interactions.inc({ command, kind, outcome });
      latency.observe({ command, kind }, seconds);
    },
    recordValentinaResponse({ method, endpoint, status, durationMs }) {
      const label = `${method} ${endpoint}`;
      valentinaRequests.inc({ endpoint: label, status: String(status) });
      if (durationMs !== undefined) valentinaLatency.observe({ endpoint: label }, durationMs / 1000);
      const reason = valentinaErrorReason(status);
      if (reason) valentinaErrors.inc({ endpoint: label, reason });
    },
    registerQueueDepth(queue, read) {
      queueReaders.set(queue, read);
    },
    render: () => registry.metrics(),
  };
}

/** What an operator reads on /metrics: interaction counts and latency, Valentina traffic, queue depth. */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/http/metrics.js';

describe('metrics', () => {
  it('counts interactions by command, kind and outcome, with a latency histogram', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.recordInteraction({ command: 'ping', kind: 'command', outcome: 'ok', seconds: 0.004 });
    metrics.recordInteraction({ command: 'ping', kind: 'command', outcome: 'ok', seconds: 0.2 });
    metrics.recordInteraction({ command: 'help', kind: 'autocomplete', outcome: 'error', seconds: 0.01 });
    const text = await metrics.render();
    expect(text).toContain('interactions_total{command="ping",kind="command",outcome="ok"} 2');
    expect(text).toContain('interactions_total{command="help",kind="autocomplete",outcome="error"} 1');
    expect(text).toMatch(/interaction_latency_seconds_bucket\{le="0\.01",command="ping",kind="command"\} 1/);
    expect(text).toMatch(/interaction_latency_seconds_count\{command="ping",kind="command"\} 2/);
    expect(text).toMatch(/interaction_latency_seconds_count\{command="help",kind="autocomplete"\} 1/);
  });

  it('counts Valentina requests by templated endpoint and status, and upstream failures by reason', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const endpoint = '/companies/{cid}/users/{uid}';
    metrics.recordValentinaResponse({ method: 'GET', endpoint, status: 200, durationMs: 12 });
    metrics.recordValentinaResponse({ method: 'GET', endpoint, status: 503 });
    metrics.recordValentinaResponse({ method: 'GET', endpoint, status: 0 });
    const text = await metrics.render();
    expect(text).toContain('valentina_requests_total{endpoint="GET /companies/{cid}/users/{uid}",status="200"} 1');
    expect(text).toContain('valentina_request_errors_total{endpoint="GET /companies/{cid}/users/{uid}",reason="server"} 1');
    expect(text).toContain('valentina_request_errors_total{endpoint="GET /companies/{cid}/users/{uid}",reason="network"} 1');
    expect(text).toContain('valentina_request_duration_seconds_bucket{le="0.025",endpoint="GET /companies/{cid}/users/{uid}"} 1');
    expect(text).toContain('valentina_request_duration_seconds_count{endpoint="GET /companies/{cid}/users/{uid}"} 1');
  });

  it('reads registered queue depths at scrape time, skipping a queue that cannot be read', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let waiting = 3;
    metrics.registerQueueDepth('deliveries', () => waiting);
    metrics.registerQueueDepth('approvals', async () => {
      throw new Error('redis down');
    });
    expect(await metrics.render()).toContain('queue_depth{queue="deliveries"} 3');
    waiting = 7;
    const text = await metrics.render();
    expect(text).toContain('queue_depth{queue="deliveries"} 7');
    expect(text).not.toContain('queue="approvals"');
  });

  it('keeps each app’s counters apart', async () => {
    const first = createMetrics({ defaultMetrics: false });
    const second = createMetrics({ defaultMetrics: false });
    first.recordInteraction({ command: 'ping', kind: 'command', outcome: 'ok', seconds: 0.001 });
    expect(await second.render()).not.toContain('command="ping"');
  });
});

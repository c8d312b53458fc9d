/** Valentina's readiness comes from the bot's own requests; it asks Valentina only when idle, from spare budget. */
import { describe, expect, it } from 'vitest';
import { FAILURES_TO_FAIL, IDLE_AFTER_MS, SLOW_AFTER_MS, ValentinaHealth } from '../../src/http/valentina-health.js';
import { describeValentina } from '../../commands/status.js';
import { ValentinaBudgetError } from '../../src/valentina/index.js';

function tracker(probe: () => Promise<true | string>) {
  let now = 1_000_000;
  let probes = 0;
  const health = new ValentinaHealth({ probe: () => ((probes += 1), probe()), now: () => now });
  return { health, advance: (ms: number) => (now += ms), probes: () => probes };
}

describe('Valentina readiness', () => {
  it('asks nothing while requests flow, and follows their outcomes', async () => {
    const t = tracker(async () => true);
    t.health.record(200);
    for (let i = 0; i < 20; i++) {
      t.advance(5_000);
      t.health.record(404);
      expect(await t.health.check()).toBe(true);
    }
    for (let i = 0; i < FAILURES_TO_FAIL; i++) t.health.record(i % 2 ? 0 : 503);
    expect(await t.health.check()).toBe('not answering');
    t.health.record(429);
    expect(await t.health.check()).toBe(true);
    expect(t.probes()).toBe(0);
  });

  it('asks once per idle period when nothing else does', async () => {
    const t = tracker(async () => 'degraded');
    expect(await t.health.check()).toBe('degraded');
    t.advance(5_000);
    expect(await t.health.check()).toBe('degraded');
    expect(t.probes()).toBe(1);
    t.advance(IDLE_AFTER_MS);
    await t.health.check();
    expect(t.probes()).toBe(2);
  });

  it('keeps the last verdict when the budget has no spare token for the probe', async () => {
    const t = tracker(() => Promise.reject(new ValentinaBudgetError({ status: 429, detail: 'request budget spent', method: 'GET', endpoint: '/health', retryAfterMs: 3_000 })));
    expect(await t.health.check()).toEqual({ note: 'ok (not checked: no spare request budget)' });
  });
});

describe('Valentina in plain words (/status)', () => {
  it('says normal, slow or not answering since the first failure in a row, from traffic alone', async () => {
    const t = tracker(async () => true);
    t.health.record(200, 120);
    expect(await t.health.status()).toEqual({ state: 'normal' });
    for (let i = 0; i < 10; i++) t.health.record(200, SLOW_AFTER_MS * 2);
    expect(await t.health.status()).toMatchObject({ state: 'slow' });
    for (let i = 0; i < 10; i++) t.health.record(200, 100);
    expect(await t.health.status()).toEqual({ state: 'normal' });

    t.advance(1_000);
    const firstFailure = 1_000_000 + 1_000;
    t.health.record(503);
    expect(await t.health.status()).toEqual({ state: 'normal' }); // one failure is not an outage
    for (let i = 1; i < FAILURES_TO_FAIL; i++) {
      t.advance(2_000);
      t.health.record(0);
    }
    expect(await t.health.status()).toEqual({ state: 'down', since: firstFailure });
    t.health.record(404, 80);
    expect(await t.health.status()).toEqual({ state: 'normal' });
    expect(t.probes()).toBe(0);
  });

  it('asks once when idle, and says what the probe found', async () => {
    const t = tracker(async () => 'degraded');
    expect(await t.health.status()).toEqual({ state: 'degraded' });
    expect(await t.health.status()).toEqual({ state: 'degraded' });
    expect(t.probes()).toBe(1);
  });

  it('words each state for players', () => {
    expect(describeValentina({ state: 'normal' })).toEqual({ text: 'answering normally', ok: true });
    expect(describeValentina({ state: 'slow', averageMs: 3_400 }).text).toBe('slow — answers take about 3.4 s');
    expect(describeValentina({ state: 'down', since: Date.UTC(2026, 0, 1, 14, 2) }).text).toBe(
      `not answering since <t:${Date.UTC(2026, 0, 1, 14, 2) / 1000}:t> — commands that need it fail until it is back`,
    );
    expect(describeValentina(null).ok).toBe(false);
  });
});

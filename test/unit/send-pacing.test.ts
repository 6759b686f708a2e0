import { describe, expect, it } from 'vitest';
import { jitterBudgetMs, lateAfterMs, planSendInstants, queueCapacitySegments, segmentIntervalMs } from '../../src/domain/send-pacing.js';
import { loadVectors } from '../helpers/vectors.js';

describe('rate-limit vectors: MPS counts segments', () => {
  for (const v of loadVectors('rate-limit')) {
    it(`${v.id}: one token per segment`, () => {
      const input = v.input as { mps: number; messages: { count: number; segments_each: number }[] };
      const expected = v.expected as { segments_to_release: number; min_seconds: number; queue_capacity_segments: number };
      const segments = input.messages.flatMap((m) => Array.from({ length: m.count }, () => m.segments_each));
      expect(segments.reduce((a, s) => a + s, 0)).toBe(expected.segments_to_release);
      // At exactly the configured rate (no headroom) the sender is busy for min_seconds.
      const { nextFreeMs } = planSendInstants(0, segments, segmentIntervalMs(input.mps, 1));
      expect(nextFreeMs / 1000).toBeCloseTo(expected.min_seconds, 6);
      expect(queueCapacitySegments(input.mps)).toBe(expected.queue_capacity_segments);
    });
  }
});

describe('pacing arithmetic', () => {
  it('a message waits for the segments of every earlier message', () => {
    expect(planSendInstants(1_000, [1, 3, 1], 100).instants).toEqual([1_000, 1_100, 1_400]);
  });
  it('headroom slows the pace below the configured MPS', () => {
    expect(segmentIntervalMs(100, 0.95)).toBeCloseTo(1000 / 95, 9);
    expect(() => segmentIntervalMs(0)).toThrow(RangeError);
  });
  it('the headroom buys a jitter budget J = 1000·(1/h − 1) ms, half of it for wake-up lateness', () => {
    expect(jitterBudgetMs(0.95)).toBeCloseTo(52.63, 2);
    expect(jitterBudgetMs(0.97)).toBeCloseTo(30.93, 2);
    expect(jitterBudgetMs(1)).toBe(0);
    expect(lateAfterMs(0.97)).toBeCloseTo(15.46, 2);
    expect(() => jitterBudgetMs(0)).toThrow(RangeError);
  });
  it('a stall of at most J (sends due during it all go at its end) never puts more than the MPS in a 1 s window', () => {
    // The worst case of the bound: sends due in [0, S] all reach the provider at S, later ones on time.
    const most = (arrivals: number[]) => Math.max(...arrivals.map((t) => arrivals.filter((a) => a > t - 1000 && a <= t).length));
    for (const mps of [1, 3, 100, 225]) {
      for (const h of [0.95, 0.97]) {
        const interval = segmentIntervalMs(mps, h);
        const stalled = (s: number) => Array.from({ length: 3 * mps + 2 }, (_, i) => Math.max(i * interval, s));
        // (exactly J is the edge of the bound, where floating point decides)
        expect(most(stalled(jitterBudgetMs(h) - 1e-6)), `${mps} MPS at ${h}`).toBeLessThanOrEqual(mps);
        // …and 2 ms more breaks it: the budget is tight, not generous.
        expect(most(stalled(jitterBudgetMs(h) + 2)), `${mps} MPS at ${h}, J + 2 ms`).toBe(mps + 1);
      }
    }
  });
});

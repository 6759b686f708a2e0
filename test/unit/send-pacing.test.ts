import { describe, expect, it } from 'vitest';
import { planSendInstants, queueCapacitySegments, segmentIntervalMs } from '../../src/domain/send-pacing.js';
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
});

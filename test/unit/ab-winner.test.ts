import { describe, expect, it } from 'vitest';
import { AbMetricUnavailableError, pickAbWinner } from '../../src/domain/ab-winner.js';

describe('A/B winner pick', () => {
  const figures = [
    { key: 'B', sent: 20, delivered: 19, replies: 8 },
    { key: 'A', sent: 20, delivered: 20, replies: 1 },
  ];

  it('by reply rate, with the reason spelled out', () => {
    const d = pickAbWinner('reply_rate', figures);
    expect(d.winner).toBe('B');
    expect(d.reason).toBe('B: reply rate 40.0% (8/20) vs A 5.0% (1/20)');
  });

  it('by delivery rate', () => {
    expect(pickAbWinner('delivery_rate', figures).winner).toBe('A');
  });

  it('ties go to the first key; nothing sent counts as 0%', () => {
    expect(pickAbWinner('reply_rate', [{ key: 'B', sent: 0, delivered: 0, replies: 0 }, { key: 'A', sent: 0, delivered: 0, replies: 0 }]).winner).toBe('A');
  });

  it('by click rate when clicks are counted', () => {
    const withClicks = [
      { key: 'A', sent: 10, delivered: 10, replies: 0, clicks: 1 },
      { key: 'B', sent: 10, delivered: 9, replies: 0, clicks: 4 },
    ];
    expect(pickAbWinner('click_rate', withClicks)).toMatchObject({ winner: 'B', reason: 'B: click rate 40.0% (4/10) vs A 10.0% (1/10)' });
  });

  it('click rate without click figures is refused with a named error', () => {
    expect(() => pickAbWinner('click_rate', figures)).toThrow(AbMetricUnavailableError);
  });
});

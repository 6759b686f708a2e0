/**
 * A/B winner mode: picks the variant that did best on the test share of the audience by delivery
 * rate (delivered / sent), reply rate (replies / sent) or click rate (clicks / sent), and says why.
 * Pure and deterministic: ties go to the variant whose key sorts first.
 *
 * @module
 */

/** How the winner is chosen. */
export type AbMetric = 'delivery_rate' | 'reply_rate' | 'click_rate';

/** One variant's figures on the test share. */
export interface AbVariantFigures {
  key: string;
  /** Accepted by the provider. */
  sent: number;
  delivered: number;
  replies: number;
  /** Undefined when click tracking is not available. */
  clicks?: number;
}

/** The decision, as stored in `campaigns.ab_result` and shown in the campaign's stats. */
export interface AbDecision {
  metric: AbMetric;
  winner: string;
  /** e.g. `"B: reply rate 40.0% (8/20) vs A 0.0% (0/20)"`. */
  reason: string;
  variants: (AbVariantFigures & { rate: number })[];
}

/** Thrown when the variants have no figure for the metric (click_rate without click tracking). */
export class AbMetricUnavailableError extends Error {
  readonly code = 'ab_metric_unavailable';
  override readonly name = 'AbMetricUnavailableError';
}

function numerator(v: AbVariantFigures, metric: AbMetric): number {
  if (metric === 'delivery_rate') return v.delivered;
  if (metric === 'reply_rate') return v.replies;
  if (v.clicks === undefined) throw new AbMetricUnavailableError('click_rate needs click tracking, which is not available');
  return v.clicks;
}

const LABEL: Record<AbMetric, string> = { delivery_rate: 'delivery rate', reply_rate: 'reply rate', click_rate: 'click rate' };

/**
 * Picks the winner among `variants` (at least one).
 * @throws {AbMetricUnavailableError} for `click_rate` without clicks.
 */
export function pickAbWinner(metric: AbMetric, variants: readonly AbVariantFigures[]): AbDecision {
  if (variants.length === 0) throw new RangeError('no variants to choose from');
  const rated = [...variants]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((v) => ({ ...v, rate: v.sent > 0 ? numerator(v, metric) / v.sent : 0 }));
  const winner = rated.reduce((best, v) => (v.rate > best.rate ? v : best));
  const fmt = (v: (typeof rated)[number]) => `${(v.rate * 100).toFixed(1)}% (${numerator(v, metric)}/${v.sent})`;
  const others = rated.filter((v) => v !== winner).map((v) => `${v.key} ${fmt(v)}`);
  const reason = `${winner.key}: ${LABEL[metric]} ${fmt(winner)}${others.length ? ` vs ${others.join(', ')}` : ''}`;
  return { metric, winner: winner.key, reason, variants: rated };
}

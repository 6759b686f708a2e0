/**
 * A provider timestamp as ISO 8601 UTC, only when it names its zone (`Z` or an offset). A zone-less
 * timestamp is never guessed into UTC (providers.md §9.7); callers keep the raw text instead.
 * @returns the UTC ISO string, or undefined when `ts` is absent, zone-less or unparseable.
 */
export function zonedIsoTimestamp(ts: string | undefined): string | undefined {
  if (ts === undefined || !/(Z|[+-]\d\d:?\d\d)$/.test(ts)) return undefined;
  const at = Date.parse(ts);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

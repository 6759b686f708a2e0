/**
 * Open-loop HTTP load for the webhook benchmark (S3): requests are issued on a fixed schedule
 * whatever the responses do, and each latency is measured from its scheduled time, so a stalled
 * server shows up in p99 instead of slowing the generator down (no coordinated omission). Keep-alive
 * sockets over node:http.
 *
 * @module
 */
import http from 'node:http';

/** One prepared request. */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Reported back for requests answered 2xx. */
  tag: string;
}

/** What one step measured. */
export interface LoadStepResult {
  /** Target rate, requests/s. */
  rate: number;
  scheduled: number;
  ok: number;
  errors: number;
  /** Not issued: more than `maxInFlight` were outstanding. */
  shed: number;
  /** 2xx answers per second over the step's wall time (until the last answer). */
  achieved: number;
  p50Ms: number;
  p99Ms: number;
  /** Tags of requests answered 2xx. */
  okTags: string[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Issues `requests` at `rate` per second against 127.0.0.1:`port` and waits for every answer (or
 * the socket error of a killed server).
 * @param stopAfter optional: called with the number issued so far; returning true stops issuing.
 */
export async function runLoadStep(
  port: number,
  rate: number,
  requests: LoadRequest[],
  options: { maxInFlight?: number; maxSockets?: number; onIssued?: (n: number) => void } = {},
): Promise<LoadStepResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  const latencies: number[] = [];
  const okTags: string[] = [];
  let errors = 0;
  let shed = 0;
  let inFlight = 0;
  let issued = 0;
  const start = performance.now();
  let lastAnswer = start;
  const pending: Promise<void>[] = [];

  const fire = (req: LoadRequest, scheduledAt: number) =>
    new Promise<void>((resolve) => {
      inFlight += 1;
      const r = http.request({ host: '127.0.0.1', port, method: 'POST', path: req.path, headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) }, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          inFlight -= 1;
          lastAnswer = performance.now();
          if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
            latencies.push(lastAnswer - scheduledAt);
            okTags.push(req.tag);
          } else errors += 1;
          resolve();
        });
      });
      r.on('error', () => {
        inFlight -= 1;
        errors += 1;
        resolve();
      });
      r.end(req.body);
    });

  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(requests.length, Math.floor(((now - start) / 1000) * rate));
      while (issued < due) {
        const req = requests[issued]!;
        const scheduledAt = start + (issued / rate) * 1000;
        issued += 1;
        if (inFlight >= (options.maxInFlight ?? 2_000)) {
          shed += 1;
          continue;
        }
        pending.push(fire(req, scheduledAt));
      }
      options.onIssued?.(issued);
      if (issued >= requests.length) return done();
      setTimeout(tick, 2);
    };
    tick();
  });
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const wallS = Math.max(1e-3, (lastAnswer - start) / 1000);
  return {
    rate,
    scheduled: requests.length,
    ok: latencies.length,
    errors,
    shed,
    achieved: latencies.length / wallS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    okTags,
  };
}

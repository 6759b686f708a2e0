/**
 * One HTTP call from an adapter to its provider, reduced to what the adapters map into a
 * {@link SendResult}: a response (status, text, parsed JSON when it is JSON, `Retry-After` in ms) or a
 * transport failure (timeout, refused connection). Shared by every HTTP adapter so that each one only
 * decides what its provider's answers mean.
 *
 * @module
 */
import type { SendResult } from '../provider-adapter.js';

/** What {@link providerHttpCall} sends. */
export interface ProviderHttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  /** Body already encoded (JSON text or form-urlencoded). */
  body?: string;
  /** Per-call timeout in ms. */
  timeoutMs: number;
  /** The caller's abort signal (activity cancellation). */
  signal?: AbortSignal | undefined;
  /** Clock in unix ms for an HTTP-date `Retry-After`. */
  nowMs: number;
}

/** The provider answered: `json` is undefined when the body is not JSON. */
export interface ProviderHttpResponse {
  kind: 'response';
  status: number;
  text: string;
  json: unknown;
  /** From `Retry-After` (delta seconds or HTTP date), in ms; undefined when absent or unreadable. */
  retryAfterMs: number | undefined;
}

/** No answer: timeout or network error. The outcome of a send is then unknown. */
export interface ProviderHttpFailure {
  kind: 'failure';
  errorText: string;
}

/** `Retry-After` (RFC 9110 §10.2.3: delta seconds or HTTP date) in ms. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Performs the call. Never throws for HTTP or network outcomes.
 * @throws the abort reason when `req.signal` aborted the call.
 */
export async function providerHttpCall(req: ProviderHttpRequest): Promise<ProviderHttpResponse | ProviderHttpFailure> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal === undefined ? timeout : AbortSignal.any([req.signal, timeout]);
  try {
    const res = await fetch(req.url, {
      method: req.method ?? 'POST',
      ...(req.headers === undefined ? {} : { headers: req.headers }),
      ...(req.body === undefined ? {} : { body: req.body }),
      signal,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { kind: 'response', status: res.status, text, json, retryAfterMs: retryAfterMs(res.headers.get('retry-after'), req.nowMs) };
  } catch (err) {
    if (req.signal?.aborted === true) throw req.signal.reason;
    return {
      kind: 'failure',
      errorText: timeout.aborted ? `timed out after ${req.timeoutMs} ms` : `network error: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/**
 * The outcomes every HTTP provider shares (providers.md §9.2): 401/403 → `auth_failed` (pause the
 * connection); 404/405 → `auth_failed` too (the connection's base URL is wrong, a connection problem,
 * not a message one); 429 and 5xx → `retry` with `Retry-After`; a transport failure → `retry`.
 * @returns undefined for any other status: the adapter reads its provider's error body.
 */
export function commonHttpOutcome(
  res: ProviderHttpResponse | ProviderHttpFailure,
  detail: { errorCode?: string | undefined; errorText?: string | undefined; url: string },
): SendResult | undefined {
  if (res.kind === 'failure') return { outcome: 'retry', errorText: res.errorText };
  const errorText = detail.errorText ?? `HTTP ${res.status}`;
  const code = detail.errorCode === undefined ? {} : { errorCode: detail.errorCode };
  if (res.status === 401 || res.status === 403) return { outcome: 'auth_failed', errorText };
  if (res.status === 404 || res.status === 405) {
    return { outcome: 'auth_failed', errorText: `HTTP ${res.status} from ${detail.url}: check config.baseUrl` };
  }
  if (res.status === 429 || res.status >= 500) {
    return { outcome: 'retry', errorText, ...code, ...(res.retryAfterMs === undefined ? {} : { retryAfterMs: res.retryAfterMs }) };
  }
  return undefined;
}

/**
 * `testConnection` over a provider's account/balance endpoint: 2xx → ok; otherwise the precise failure
 * (credentials refused, wrong base URL, provider error, unreachable). Never includes secrets.
 */
export async function probeAccountEndpoint(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const res = await providerHttpCall({ url, method: 'GET', headers, timeoutMs, nowMs: Date.now() });
  const where = new URL(url);
  const endpoint = `${where.origin}${where.pathname}`;
  if (res.kind === 'failure') return { ok: false, reason: `cannot reach ${endpoint}: ${res.errorText}` };
  if (res.status >= 200 && res.status < 300) return { ok: true };
  if (res.status === 401 || res.status === 403) return { ok: false, reason: `credentials refused by ${endpoint} (HTTP ${res.status})` };
  if (res.status === 404) return { ok: false, reason: `no account endpoint at ${endpoint} (HTTP 404): check config.baseUrl and the account id` };
  return { ok: false, reason: `unexpected HTTP ${res.status} from ${endpoint}` };
}

/**
 * Decoding of the sandbox's `POST /v1/messages` body. Hand-written rather than zod because it runs
 * on every send of a benchmark (thousands per second) and must name the first bad field.
 *
 * @module
 */

/** A decoded send request (wire names in comments). */
export interface SandboxSubmitRequest {
  from: string;
  /** Not yet checked for E.164: an invalid number is a message refusal (21211), not a bad request. */
  to: string;
  body: string;
  /** `client_ref`: idempotency key, ≤ 256 chars. */
  clientRef: string | null;
  /** `status_callback`: absolute http(s) URL for DLRs. */
  statusCallback: string | null;
  /** `inbound_callback`: absolute http(s) URL for MOs to the `from` number. */
  inboundCallback: string | null;
}

/** Result of {@link decodeSandboxSubmit}: the request, or what is wrong with it. */
export type SandboxSubmitDecode =
  | { ok: true; request: SandboxSubmitRequest }
  | { ok: false; malformed: true }
  | { ok: false; malformed: false; field: string };

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const protocol = new URL(value).protocol;
  return protocol === 'http:' || protocol === 'https:';
}

/**
 * Decodes a raw JSON body. `malformed` = not a JSON object; otherwise `field` names the first missing
 * or invalid parameter (wire name).
 */
export function decodeSandboxSubmit(rawBody: string): SandboxSubmitDecode {
  let input: unknown;
  try {
    input = JSON.parse(rawBody);
  } catch {
    return { ok: false, malformed: true };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, malformed: true };
  const f = input as Record<string, unknown>;
  const bad = (field: string): SandboxSubmitDecode => ({ ok: false, malformed: false, field });
  if (typeof f.from !== 'string' || f.from === '') return bad('from');
  if (typeof f.to !== 'string' || f.to === '') return bad('to');
  if (typeof f.body !== 'string' || f.body === '') return bad('body');
  const optional = (name: string, valid: (v: string) => boolean): string | null | false => {
    const value = f[name];
    if (value === undefined || value === null) return null;
    return typeof value === 'string' && valid(value) ? value : false;
  };
  const clientRef = optional('client_ref', (v) => v !== '' && v.length <= 256);
  if (clientRef === false) return bad('client_ref');
  const statusCallback = optional('status_callback', isHttpUrl);
  if (statusCallback === false) return bad('status_callback');
  const inboundCallback = optional('inbound_callback', isHttpUrl);
  if (inboundCallback === false) return bad('inbound_callback');
  return {
    ok: true,
    request: { from: f.from, to: f.to, body: f.body, clientRef, statusCallback, inboundCallback },
  };
}

/**
 * Picks the adapter of a provider connection. Adding a provider = one `src/providers/<name>` adapter
 * with the same factory shape, plus one `case` here.
 *
 * @module
 */
import type { ProviderAdapter, ProviderConnectionConfig } from './provider-adapter.js';
import { createGenericHttpAdapter } from './generic-http/generic-http-adapter.js';
import { createInfobipAdapter } from './infobip/infobip-adapter.js';
import { createMessageBirdAdapter } from './messagebird/messagebird-adapter.js';
import { createPlivoAdapter } from './plivo/plivo-adapter.js';
import { createSandboxAdapter } from './sandbox/sandbox-adapter.js';
import { createSinchAdapter } from './sinch/sinch-adapter.js';
import { createSmppAdapter } from './smpp/smpp-adapter.js';
import type { SmppSessionSource } from './smpp/smpp-adapter.js';
import { createTelnyxAdapter } from './telnyx/telnyx-adapter.js';
import { createTwilioAdapter } from './twilio/twilio-adapter.js';
import { createVonageAdapter } from './vonage/vonage-adapter.js';

/** Provider names this build has an adapter for. */
export const SUPPORTED_PROVIDERS = [
  'sandbox',
  'twilio',
  'vonage',
  'plivo',
  'telnyx',
  'sinch',
  'infobip',
  'messagebird',
  'generic-http',
  'smpp',
] as const;

/** One of {@link SUPPORTED_PROVIDERS}. */
export type SupportedProvider = (typeof SUPPORTED_PROVIDERS)[number];

/** Thrown by {@link createProviderAdapter} for a provider name with no adapter. */
export class UnknownProviderError extends Error {
  /** Stable error code. */
  readonly code = 'unknown_provider';
  override readonly name = 'UnknownProviderError';
  constructor(readonly provider: string) {
    super(`no adapter for provider "${provider}" (supported: ${SUPPORTED_PROVIDERS.join(', ')})`);
  }
}

/** Dependencies passed through to adapters; all optional. */
export interface ProviderAdapterDeps {
  /** Clock in unix ms (webhook timestamp freshness); default `Date.now`. */
  now?: () => number;
  /** The worker's SMPP binds; without it an `smpp` adapter can test its connection but not send. */
  smpp?: SmppSessionSource;
}

/**
 * Creates the adapter for `conn.provider`.
 * @throws {UnknownProviderError} when no adapter exists for `conn.provider`.
 * @throws {ProviderConfigError} when the connection's config or credentials are invalid for it.
 */
export function createProviderAdapter(
  conn: ProviderConnectionConfig,
  deps: ProviderAdapterDeps = {},
): ProviderAdapter {
  switch (conn.provider) {
    case 'sandbox':
      return createSandboxAdapter(conn, deps);
    case 'twilio':
      return createTwilioAdapter(conn, deps);
    case 'vonage':
      return createVonageAdapter(conn, deps);
    case 'plivo':
      return createPlivoAdapter(conn, deps);
    case 'telnyx':
      return createTelnyxAdapter(conn, deps);
    case 'sinch':
      return createSinchAdapter(conn, deps);
    case 'infobip':
      return createInfobipAdapter(conn, deps);
    case 'messagebird':
      return createMessageBirdAdapter(conn, deps);
    case 'generic-http':
      return createGenericHttpAdapter(conn, deps);
    case 'smpp':
      return createSmppAdapter(conn, deps);
    default:
      throw new UnknownProviderError(conn.provider);
  }
}

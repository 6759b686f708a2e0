import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';

/** TLS settings shared by the client Connection and the worker NativeConnection. */
export interface TemporalTlsSettings {
  clientCertPair?: { crt: Buffer; key: Buffer };
  serverRootCACertificate?: Buffer;
  serverNameOverride?: string;
}

/**
 * Builds the address/TLS/API-key options from config, so the same code reaches the local dev
 * server (plain), a self-hosted cluster (mTLS) or Temporal Cloud (API key, or mTLS).
 * @throws Error when a configured certificate file cannot be read.
 */
export function temporalConnectionOptions(config: Config): {
  address: string;
  tls?: TemporalTlsSettings | true;
  apiKey?: string;
} {
  const wantsTls =
    config.TEMPORAL_TLS === 'true' ||
    Boolean(config.TEMPORAL_API_KEY) ||
    Boolean(config.TEMPORAL_TLS_CERT_PATH) ||
    Boolean(config.TEMPORAL_TLS_CA_PATH);
  let tls: TemporalTlsSettings | true | undefined;
  if (wantsTls) {
    const settings: TemporalTlsSettings = {};
    if (config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH) {
      settings.clientCertPair = {
        crt: readFileSync(config.TEMPORAL_TLS_CERT_PATH),
        key: readFileSync(config.TEMPORAL_TLS_KEY_PATH),
      };
    }
    if (config.TEMPORAL_TLS_CA_PATH) settings.serverRootCACertificate = readFileSync(config.TEMPORAL_TLS_CA_PATH);
    if (config.TEMPORAL_TLS_SERVER_NAME) settings.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
    tls = Object.keys(settings).length > 0 ? settings : true;
  }
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(tls ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

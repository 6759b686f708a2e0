import { createAccount } from '../src/db/account-repository.js';
import type { BenchStack } from './bench-stack.js';

/** Calls the smsflow API with an account's key; JSON in, JSON out. */
export type ApiCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** An account of the benchmark with its API key and a sandbox provider connection. */
export interface BenchTenant {
  accountId: string;
  connectionId: string;
  call: ApiCall;
}

/** Each API call may take this long before the benchmark gives up on it, ms. */
const API_CALL_TIMEOUT_MS = 60_000;

/**
 * Creates an account (straight in the database, as `smsflow account create` does) and its sandbox
 * connection over `POST /v1/connections`.
 * @throws Error when an API call answers 4xx/5xx or times out.
 */
export async function createBenchTenant(stack: BenchStack, name: string): Promise<BenchTenant> {
  const { account, apiKey } = await createAccount(stack.database.db, name);
  const call: ApiCall = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(stack.api.url + path, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(API_CALL_TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  const connection = await call<{ id: string }>('POST', '/v1/connections', {
    provider: 'sandbox',
    name: 'bench sandbox',
    config: { baseUrl: stack.sandbox.url },
    credentials: { apiKey: stack.sandbox.apiKey, webhookSecret: stack.sandbox.webhookSecret },
  });
  return { accountId: account.id, connectionId: connection.id, call };
}

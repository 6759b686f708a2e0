import type { z } from 'zod';
import { ProviderConfigError } from '../provider-adapter.js';

/**
 * Validates one part (`config` or `credentials`) of a provider connection with its adapter's zod
 * schema, so every adapter reports a bad connection the same way.
 * @param prefix `'config'` or `'credentials'`.
 * @throws {ProviderConfigError} naming the first offending field (never its value).
 */
export function parseConnectionPart<T>(schema: z.ZodType<T>, value: unknown, provider: string, prefix: 'config' | 'credentials'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  throw new ProviderConfigError(provider, `${prefix}.${field}`, `${provider} connection: invalid ${prefix}.${field}: ${issue?.message ?? 'invalid'}`);
}

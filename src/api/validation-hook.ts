import type { ZodError } from 'zod';
import { ValidationError } from './api-error.js';
import type { FieldError } from './api-error.js';

/**
 * Formats a zod issue path the way clients write it: `['variants', 0, 'body']` → `variants[0].body`.
 * An empty path (the whole body) is `body`.
 */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || 'body';
}

/** One {@link FieldError} per zod issue. */
export function fieldErrorsFromZod(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path), reason: issue.message }));
}

/**
 * The `defaultHook` of every OpenAPIHono app: a failed zod validation (body, query, params or
 * headers) throws a {@link ValidationError}, which `onError` turns into a 422 problem listing every
 * field. Successful validations fall through to the handler.
 * @throws {ValidationError}
 */
export function validationHook(result: { success: true } | { success: false; error: ZodError }): undefined {
  if (!result.success) throw new ValidationError(fieldErrorsFromZod(result.error));
  return undefined;
}

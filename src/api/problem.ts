import { z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { ApiError, ValidationError } from './api-error.js';
import type { FieldError } from './api-error.js';
import { WebhookPayloadError } from '../providers/provider-adapter.js';

/** Media type of every error response (RFC 9457 §3). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An RFC 9457 problem details object, plus two extension members: `code` (stable, the same value as
 * the last segment of `type`) and `errors` (one entry per invalid field, on 422 only).
 */
export interface Problem {
  /** `urn:smsflow:problem:<code>`: identifies the problem type; not dereferenceable. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request path that failed. */
  instance?: string;
  code: string;
  errors?: FieldError[];
}

/** The problem shape for the OpenAPI document (responses of every route reference it). */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:smsflow:problem:validation_failed' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string(),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  })
  .openapi('Problem');

/** An OpenAPI response entry for a problem status, for `createRoute({ responses })`. */
export function problemResponseSpec(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } };
}

const HTTP_TITLES: Record<number, [code: string, title: string]> = {
  400: ['bad_request', 'Bad request'],
  401: ['unauthorized', 'Unauthorized'],
  404: ['not_found', 'Not found'],
  405: ['method_not_allowed', 'Method not allowed'],
  413: ['payload_too_large', 'Payload too large'],
  415: ['unsupported_media_type', 'Unsupported media type'],
};

function make(code: string, title: string, status: number, detail: string, instance?: string): Problem {
  return {
    type: `urn:smsflow:problem:${code}`,
    title,
    status,
    detail,
    ...(instance ? { instance } : {}),
    code,
  };
}

/**
 * Translates any thrown value into a problem: {@link ApiError}s keep their status, code and
 * message; hono's `HTTPException`s (malformed JSON, 415 from the OpenAPI media-type gate) map by
 * status; a provider payload that cannot be parsed ({@link WebhookPayloadError}) is a 400 naming
 * the field; anything else is a 500 whose detail reveals nothing internal.
 * @param instance the request path, echoed as `instance`.
 */
export function problemFromError(err: unknown, instance?: string): Problem {
  if (err instanceof ApiError) {
    const problem = make(err.code, err.title, err.status, err.message, instance);
    if (err instanceof ValidationError) problem.errors = err.errors;
    return problem;
  }
  if (err instanceof WebhookPayloadError) {
    const problem = make(err.code, 'Bad request', 400, err.message, instance);
    problem.errors = [{ field: err.field, reason: err.message }];
    return problem;
  }
  if (err instanceof HTTPException && err.status < 500) {
    const [code, title] = HTTP_TITLES[err.status] ?? ['client_error', 'Client error'];
    return make(code, title, err.status, err.message || title, instance);
  }
  return make('internal_error', 'Internal server error', 500, 'an unexpected error occurred', instance);
}

/** Serialises a problem with its status and `application/problem+json`. */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}

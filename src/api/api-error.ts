/**
 * The API's typed errors. Route code throws these; the app's `onError` translates each, once, into an
 * RFC 9457 `application/problem+json` response (see problem.ts). `code` is stable: clients may
 * branch on it; `message` is the human-readable `detail`.
 *
 * @module
 */

/** One invalid input, named by its path in the request (`variants[0].body`, `connection_id`, `phone`). */
export interface FieldError {
  field: string;
  reason: string;
}

/** Base class: an HTTP status, a stable code and a short title per subclass. */
export abstract class ApiError extends Error {
  abstract readonly status: 400 | 401 | 404 | 409 | 413 | 415 | 422 | 503;
  abstract readonly code: string;
  abstract readonly title: string;
}

/** 400: the request cannot be read (malformed JSON, bad cursor). */
export class BadRequestError extends ApiError {
  readonly status = 400;
  readonly code = 'bad_request';
  readonly title = 'Bad request';
  override readonly name = 'BadRequestError';
}

/** 401: no API key, a malformed one, or one that is unknown or revoked. */
export class UnauthorizedError extends ApiError {
  readonly status = 401;
  readonly code = 'unauthorized';
  readonly title = 'Unauthorized';
  override readonly name = 'UnauthorizedError';
}

/** 404: no such route, or no such resource in the caller's account (another account's is 404 too). */
export class NotFoundError extends ApiError {
  readonly status = 404;
  readonly code = 'not_found';
  readonly title = 'Not found';
  override readonly name = 'NotFoundError';
}

/** 409: the resource's state forbids the action (e.g. pausing a completed campaign). */
export class ConflictError extends ApiError {
  readonly status = 409;
  readonly code = 'conflict';
  readonly title = 'Conflict';
  override readonly name = 'ConflictError';
}

/** 409: an Idempotency-Key was reused with a different request body. */
export class IdempotencyKeyReusedError extends ApiError {
  readonly status = 409;
  readonly code = 'idempotency_key_reused';
  readonly title = 'Idempotency key reused';
  override readonly name = 'IdempotencyKeyReusedError';
}

/** 413: the body is larger than the route accepts; `limitBytes` is that limit. */
export class PayloadTooLargeError extends ApiError {
  readonly status = 413;
  readonly code = 'payload_too_large';
  readonly title = 'Payload too large';
  override readonly name = 'PayloadTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`the request body exceeds ${limitBytes} bytes`);
  }
}

/** 415: the body's media type is not one the route reads. */
export class UnsupportedMediaTypeError extends ApiError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
  readonly title = 'Unsupported media type';
  override readonly name = 'UnsupportedMediaTypeError';
}

/** 422: the request is well-formed but some fields are invalid; `errors` names each one. */
export class ValidationError extends ApiError {
  readonly status = 422;
  readonly code = 'validation_failed';
  readonly title = 'Validation failed';
  override readonly name = 'ValidationError';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.reason}`).join('; '));
  }
}

/** 503: a dependency (PostgreSQL, Temporal) is unreachable; the request may be retried. */
export class ServiceUnavailableError extends ApiError {
  readonly status = 503;
  readonly code = 'service_unavailable';
  readonly title = 'Service unavailable';
  override readonly name = 'ServiceUnavailableError';
}

import { z } from '@hono/zod-openapi';

/** Body of `POST /v1/connections`. */
export const CreateConnectionBody = z
  .strictObject({
    provider: z.string().min(1).max(64).openapi({ example: 'sandbox' }),
    name: z.string().trim().min(1).max(200),
    config: z
      .record(z.string(), z.unknown())
      .default({})
      .openapi({ example: { baseUrl: 'http://127.0.0.1:43121' } }),
    credentials: z
      .record(z.string(), z.string())
      .openapi({
        description: 'Provider secrets; encrypted at rest, never returned.',
        example: { apiKey: '…', webhookSecret: '…' },
      }),
  })
  .openapi('CreateConnection');

/** A connection as answered by the API: never its credentials. */
export const ConnectionSchema = z
  .object({
    id: z.string().openapi({ example: 'conn_3fP9aQ1LmZ7rT2xKb8NcV4sD' }),
    provider: z.string(),
    name: z.string(),
    status: z.enum(['active', 'paused', 'disabled']),
    status_reason: z.string().nullable(),
    config: z.record(z.string(), z.unknown()),
    has_credentials: z.boolean(),
    created_at: z.string().openapi({ format: 'date-time' }),
    webhooks: z.object({
      dlr: z.string().openapi({ description: 'Delivery receipt URL to configure at the provider.' }),
      mo: z.string().openapi({ description: 'Inbound message URL to configure at the provider.' }),
    }),
  })
  .openapi('Connection');

/** `GET /v1/connections` answer. */
export const ConnectionListSchema = z.object({ data: z.array(ConnectionSchema) }).openapi('ConnectionList');

/** Path parameters of `/v1/connections/{id}`. */
export const ConnectionIdParams = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
});

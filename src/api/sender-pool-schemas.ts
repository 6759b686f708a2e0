import { z } from '@hono/zod-openapi';
import { SenderSchema } from './sender-schemas.js';

/** Sender ids of a request: UUIDs, each once (a repeat is a 422 naming its index). */
const SenderIds = z
  .array(z.uuid())
  .max(1000)
  .superRefine((ids, ctx) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `sender ${id} is listed twice`, path: [i] });
      seen.add(id);
    });
  });

const Sticky = z.boolean().openapi({ description: 'Keep sending to a contact from the sender it got first (while that sender stays in the pool and fits).' });
const Geomatch = z.boolean().openapi({
  description: 'Choose a sender of the recipient’s country (then a US/CA number for US/CA, then a sender without country); off = any member whose type the destination accepts.',
});

/** Body of `POST /v1/sender-pools`. */
export const CreateSenderPoolBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).openapi({ example: 'Marketing' }),
    sender_ids: SenderIds.min(1).openapi({ description: 'Senders of the account (`POST /v1/senders`).' }),
    sticky_sender: Sticky.default(true),
    geomatch: Geomatch.default(true),
  })
  .openapi('CreateSenderPool');

/** Body of `PATCH /v1/sender-pools/{id}`. */
export const UpdateSenderPoolBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    sticky_sender: Sticky.optional(),
    geomatch: Geomatch.optional(),
    add_sender_ids: SenderIds.optional().openapi({ description: 'Senders to add (members already in it are ignored).' }),
    remove_sender_ids: SenderIds.optional().openapi({ description: 'Senders to remove (non-members are ignored); a pool keeps at least one.' }),
  })
  .superRefine((b, ctx) => {
    if (Object.values(b).every((v) => v === undefined)) ctx.addIssue({ code: 'custom', message: 'give at least one field to change', path: [] });
    const added = new Set(b.add_sender_ids ?? []);
    (b.remove_sender_ids ?? []).forEach((id, i) => {
      if (added.has(id)) ctx.addIssue({ code: 'custom', message: `sender ${id} is both added and removed`, path: ['remove_sender_ids', i] });
    });
  })
  .openapi('UpdateSenderPool');

/** A sender pool as answered by the API, with its member senders. */
export const SenderPoolSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    sticky_sender: z.boolean(),
    geomatch: z.boolean(),
    senders: z.array(SenderSchema),
    created_at: z.string().openapi({ format: 'date-time' }),
    updated_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('SenderPool');

/** Path parameters of `/v1/sender-pools/{id}`. */
export const SenderPoolIdParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

/** `GET /v1/sender-pools` answer. */
export const SenderPoolListSchema = z.object({ data: z.array(SenderPoolSchema) }).openapi('SenderPoolList');

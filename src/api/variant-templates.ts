import { findTemplate } from '../db/template-repository.js';
import type { Db } from '../db/connection.js';
import type { CampaignVariantRecord } from '../db/campaign-record-repository.js';
import { ValidationError } from './api-error.js';

/**
 * Resolves campaign variants that name a stored template: the variant takes the template's body
 * (a snapshot, so editing the template later does not change a running campaign) and keeps its id, so
 * the send path applies the template's missing-variable policy, link shortening and DLT check.
 * @throws {ValidationError} naming `variants[i].template_id` when a template is not in the account.
 */
export async function resolveVariantTemplates(
  db: Db,
  accountId: string,
  variants: { key: string; weight: number; body?: string | undefined; template_id?: string | undefined }[],
): Promise<CampaignVariantRecord[]> {
  const out: CampaignVariantRecord[] = [];
  const errors: { field: string; reason: string }[] = [];
  for (const [i, v] of variants.entries()) {
    if (v.template_id === undefined) {
      out.push({ key: v.key, weight: v.weight, body: v.body ?? '' });
      continue;
    }
    const template = await findTemplate(db, accountId, v.template_id);
    if (!template) errors.push({ field: `variants[${i}].template_id`, reason: 'no such template in this account' });
    else out.push({ key: v.key, weight: v.weight, body: template.body, template_id: template.id });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return out;
}

import type { Db } from '../db/connection.js';
import { accountCompositionSettings, templatesById } from '../db/template-repository.js';
import type { TemplateRow } from '../db/template-repository.js';
import { DLT_DEFAULT_VARIABLE_MAX_LENGTH } from '../domain/dlt-template.js';
import type { ComposedMessage, CompositionOptions, CompositionTemplate, MessageComposer } from './message-composer.js';

/** A campaign variant as composition needs it. */
export interface ComposableVariant {
  key: string;
  body: string;
  template_id: string | null;
}

/** Composition of one campaign's messages: each variant's rules and the account's options. */
export interface CampaignComposition {
  /** Composes the message of `variant` for a recipient's scope. Never throws. */
  compose(variant: ComposableVariant, scope: Record<string, unknown>): ComposedMessage;
}

/** The composition rules of a template row (0004 columns). */
export function compositionTemplate(body: string, t: TemplateRow | undefined): CompositionTemplate {
  if (!t) return { body, policy: 'fail', defaults: {}, shortenLinks: false, dlt: null };
  const dlt =
    t.dlt_text && t.dlt_entity_id && t.dlt_template_id
      ? {
          entityId: t.dlt_entity_id,
          templateId: t.dlt_template_id,
          text: t.dlt_text,
          variableMaxLength: t.dlt_var_max_length ?? DLT_DEFAULT_VARIABLE_MAX_LENGTH,
          ...(t.dlt_header ? { header: t.dlt_header } : {}),
        }
      : null;
  return { body, policy: t.missing_policy, defaults: t.defaults, shortenLinks: t.shorten_links, dlt };
}

/**
 * Loads, once per batch, the templates of a campaign's variants and the account's composition
 * settings. A variant without a template composes with the strict defaults (missing variables fail,
 * no link shortening, no DLT check).
 * @param linkBaseUrl base of short links, e.g. `https://sms.example.com/l`.
 * @param sender the campaign's sender, checked against DLT headers.
 */
export async function loadCampaignComposition(
  db: Db,
  composer: MessageComposer,
  accountId: string,
  variants: ComposableVariant[],
  linkBaseUrl: string,
  sender?: string,
): Promise<CampaignComposition> {
  const templates = await templatesById(db, [...new Set(variants.flatMap((v) => (v.template_id ? [v.template_id] : [])))]);
  const options: CompositionOptions = { ...(await accountCompositionSettings(db, accountId)), linkBaseUrl, ...(sender ? { sender } : {}) };
  const byKey = new Map(variants.map((v) => [v.key, compositionTemplate(v.body, v.template_id ? templates.get(v.template_id) : undefined)]));
  return {
    compose: (variant, scope) => composer.compose(byKey.get(variant.key) ?? compositionTemplate(variant.body, undefined), scope, options),
  };
}

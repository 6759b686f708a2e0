import { randomInt } from 'node:crypto';
import { matchDltTemplate } from '../domain/dlt-template.js';
import type { NationalLanguage } from '../domain/gsm7-alphabet.js';
import type { FailureReason } from '../domain/message-status.js';
import { replaceLinks } from '../domain/message-links.js';
import { measureSegments } from '../domain/segments.js';
import type { SegmentInfo } from '../domain/segments.js';
import { smartEncode } from '../domain/smart-encoding.js';
import type { MissingVariablePolicy, TemplateRenderer } from './template-renderer.js';

/** An India DLT registration of a template (TRAI TCCCPR; compliance.md c4). */
export interface DltRegistration {
  /** Principal Entity (PE) ID of the business. */
  entityId: string;
  /** DLT content template ID (numeric, 12–19 digits). */
  templateId: string;
  /** The registered text with `{#var#}` placeholders. */
  text: string;
  /** The registered header (sender ID) the template may be sent from, e.g. `ACMEIN`. */
  header?: string;
  /** Longest value of one placeholder, characters (default 30). */
  variableMaxLength?: number;
}

/** How one variant's messages are composed: its template text and the template's rules. */
export interface CompositionTemplate {
  /** Liquid source. */
  body: string;
  policy: MissingVariablePolicy;
  defaults: Readonly<Record<string, string>>;
  /** Replace each http(s) URL with a per-message short link. */
  shortenLinks: boolean;
  dlt: DltRegistration | null;
}

/** Per-account options of composition. */
export interface CompositionOptions {
  /** Replace look-alikes (curly quotes, dashes, NBSP...) to stay in GSM-7 (account setting). */
  smartEncoding: boolean;
  /** Consider this language's national shift tables when counting segments (account setting). */
  nationalLanguage?: NationalLanguage;
  /** Short links are `<linkBaseUrl>/<code>`, e.g. `https://sms.example.com/l`. */
  linkBaseUrl: string;
  /** The sender the messages go from; checked against a DLT template's header when both are known. */
  sender?: string;
}

/** A short link minted for one message. */
export interface MintedLink {
  code: string;
  url: string;
}

/**
 * One composed message. On failure `text` is what was rendered so far (empty when rendering
 * failed) and `reason` is `missing_field`, `template_error` or `dlt_mismatch`.
 */
export type ComposedMessage = {
  text: string;
  segments: SegmentInfo;
  links: MintedLink[];
  /** The DLT ids to send with the message, when its template is DLT-registered. */
  dlt?: { entityId: string; templateId: string };
} & ({ ok: true } | { ok: false; reason: FailureReason; detail: string; variables?: string[] });

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 9 base62 characters: about 53 bits from the CSPRNG, unguessable and short. */
const CODE_LENGTH = 9;

/** A fresh short-link code (crypto.randomInt, no modulo bias). */
export function newLinkCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i += 1) code += BASE62[randomInt(62)]!;
  return code;
}

/**
 * Composes a message from a template and a recipient's scope, in the order what is sent requires:
 * render (missing-variable policy) → shorten links → smart encoding → DLT check of the final text →
 * measure segments (so the short URL's length is what is counted). Pure apart from link codes.
 */
export class MessageComposer {
  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly linkCode: () => string = newLinkCode,
  ) {}

  /** Composes one message. Never throws. */
  compose(template: CompositionTemplate, scope: Record<string, unknown>, options: CompositionOptions): ComposedMessage {
    const measure = (text: string) => measureSegments(text, options.nationalLanguage ? { nationalLanguage: options.nationalLanguage } : {});
    const rendered = this.renderer.render(template.body, scope, { policy: template.policy, defaults: template.defaults });
    if (!rendered.ok) {
      return { ok: false, reason: rendered.reason, detail: rendered.detail, ...(rendered.variables ? { variables: rendered.variables } : {}), text: '', segments: measure(''), links: [] };
    }
    const links: MintedLink[] = [];
    let text = rendered.text;
    if (template.shortenLinks) {
      const base = options.linkBaseUrl.replace(/\/+$/, '');
      text = replaceLinks(text, (url) => {
        const code = this.linkCode();
        links.push({ code, url });
        return `${base}/${code}`;
      });
    }
    if (options.smartEncoding) text = smartEncode(text).text;
    const segments = measure(text);
    const dlt = template.dlt ? { entityId: template.dlt.entityId, templateId: template.dlt.templateId } : undefined;
    if (template.dlt?.header && options.sender && template.dlt.header.toUpperCase() !== options.sender.toUpperCase()) {
      // The operator refuses a template from another header (DLT error 623 family, compliance.md c4).
      return { ok: false, reason: 'dlt_mismatch', detail: `sender ${options.sender} is not the DLT header ${template.dlt.header}`, text, segments, links: [], ...(dlt ? { dlt } : {}) };
    }
    if (template.dlt) {
      const match = matchDltTemplate(template.dlt.text, text, template.dlt.variableMaxLength);
      if (!match.ok) return { ok: false, reason: 'dlt_mismatch', detail: match.detail, text, segments, links: [], ...(dlt ? { dlt } : {}) };
    }
    return { ok: true, text, segments, links, ...(dlt ? { dlt } : {}) };
  }
}

import { Liquid, UndefinedVariableError } from 'liquidjs';
import type { Template } from 'liquidjs';

/** Longest rendered message sent, characters (10 concatenated GSM-7 segments are 1,530 septets). */
export const MAX_RENDERED_CHARS = 1600;

/**
 * What to do with a variable the recipient has no value for (absent, null or the empty string):
 * - `fail`: the message is not sent (`suppressed`, reason `missing_field`, listing the variables);
 * - `default`: use the template's per-variable default; a variable without one still fails.
 * A provided value always wins over the default (vector V60). `| default:` in the template text
 * always applies.
 */
export type MissingVariablePolicy = 'fail' | 'default';

/** Options of one render. */
export interface RenderOptions {
  policy?: MissingVariablePolicy;
  /** Per-variable defaults by top-level name (`first_name`) or dotted path (`campaign.offer`). */
  defaults?: Readonly<Record<string, string>>;
}

/** The outcome of rendering one message. */
export type RenderResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'missing_field' | 'template_error'; detail: string; variables?: string[] };

/** Renders at most this many times to list every missing variable of one message. */
const MAX_MISSING = 20;

/**
 * Renders Liquid message templates (liquidjs), parsing each distinct template text once and
 * rendering it per recipient: parsing is never on the per-recipient path.
 *
 * Variables: every contact attribute at the top level (`{{ first_name }}`), plus `contact.phone`,
 * `contact.country`, `contact.attributes.*` and `campaign.*` (the campaign's fields). Variables are
 * strict: one the recipient lacks (absent, null or empty) fails the render as `missing_field` with
 * the list of such variables, unless the template gives `| default:` or the policy is `default` and
 * a default exists (see {@link MissingVariablePolicy}). A rendered text that still holds Liquid
 * delimiters (`{{`, `{%`) is refused as `missing_field`, so a literal placeholder never reaches a
 * recipient.
 */
export class TemplateRenderer {
  /**
   * A tenant's template must not stall the worker or mint a 150-segment message: liquidjs' own
   * limits bound parse size (characters), render time (ms) and memory per render.
   */
  private readonly engine = new Liquid({
    strictFilters: true,
    strictVariables: true,
    lenientIf: true,
    cache: false,
    parseLimit: 10_000,
    renderLimit: 100,
    memoryLimit: 1_000_000,
  });
  private readonly parsed = new Map<string, Template[]>();

  /** Parses `source` (cached). @throws liquidjs' ParseError on a malformed template. */
  compile(source: string): Template[] {
    let tpl = this.parsed.get(source);
    if (!tpl) {
      tpl = this.engine.parse(source);
      if (this.parsed.size > 1_000) this.parsed.clear();
      this.parsed.set(source, tpl);
    }
    return tpl;
  }

  /** Top-level and dotted variables `source` reads (`['first_name', 'campaign.offer']`). @throws on a parse error. */
  variables(source: string): string[] {
    return this.engine.globalFullVariablesSync(this.compile(source));
  }

  /** Renders `source` with `scope`, synchronously. Never throws. */
  render(source: string, scope: Record<string, unknown>, options: RenderOptions = {}): RenderResult {
    let tpl: Template[];
    try {
      tpl = this.compile(source);
    } catch (err) {
      return { ok: false, reason: 'template_error', detail: (err as Error).message };
    }
    let effective = withoutBlanks(scope);
    if (options.policy === 'default' && options.defaults) effective = withDefaults(effective, options.defaults);
    const missing: string[] = [];
    for (;;) {
      try {
        const text = String(this.engine.renderSync(tpl, effective)).trim();
        if (missing.length > 0) {
          return { ok: false, reason: 'missing_field', detail: `no value for ${missing.join(', ')}`, variables: missing };
        }
        if (text.length > MAX_RENDERED_CHARS) {
          return { ok: false, reason: 'template_error', detail: `rendered text is ${text.length} characters, over ${MAX_RENDERED_CHARS}` };
        }
        if (/\{\{|\{%/.test(text)) return { ok: false, reason: 'missing_field', detail: 'unrendered placeholder in output' };
        return { ok: true, text };
      } catch (err) {
        const name = undefinedVariable(err);
        if (name === undefined || missing.length >= MAX_MISSING || missing.includes(name)) {
          if (missing.length > 0) return { ok: false, reason: 'missing_field', detail: `no value for ${missing.join(', ')}`, variables: missing };
          return { ok: false, reason: 'template_error', detail: (err as Error).message };
        }
        // Fill it with a placeholder and render again, to name every missing variable at once.
        missing.push(name);
        effective = setPath(effective, name, '');
      }
    }
  }
}

/** The variable an UndefinedVariableError names (`undefined variable: first_name, line:1, col:4`). */
function undefinedVariable(err: unknown): string | undefined {
  if (!(err instanceof UndefinedVariableError) && !(err instanceof Error && err.name === 'UndefinedVariableError')) {
    const cause = (err as { originalError?: unknown }).originalError;
    if (!cause || cause === err) return undefined;
    return undefinedVariable(cause);
  }
  return /undefined variable: ([^,\s]+)/.exec(err.message)?.[1];
}

/** The scope without top-level null/empty values and empty contact attributes: those are missing. */
function withoutBlanks(scope: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(scope)) if (v !== null && v !== undefined && v !== '') out[k] = v;
  return out;
}

/** `scope` plus every default whose path has no value (a provided value wins). */
function withDefaults(scope: Record<string, unknown>, defaults: Readonly<Record<string, string>>): Record<string, unknown> {
  let out = scope;
  for (const [path, value] of Object.entries(defaults)) {
    if (getPath(out, path) === undefined) out = setPath(out, path, value);
  }
  return out;
}

function getPath(scope: Record<string, unknown>, path: string): unknown {
  let cur: unknown = scope;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur === null || cur === '' ? undefined : cur;
}

/** A copy of `scope` with `path` set, copying only the objects along the path. */
function setPath(scope: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const key = head!;
  if (rest.length === 0) return { ...scope, [key]: value };
  const child = scope[key];
  const base = child !== null && typeof child === 'object' ? (child as Record<string, unknown>) : {};
  return { ...scope, [key]: setPath(base, rest.join('.'), value) };
}

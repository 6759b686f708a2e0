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
/** Liquid tags that load templates from storage; never allowed in an SMS template. */
const FILE_TAGS = ['include', 'render', 'layout'] as const;

export class TemplateRenderer {
  /**
   * A tenant's template must not stall the worker or mint a 150-segment message: liquidjs' own
   * limits bound parse size (characters), render time (ms) and memory per render. The time limit is
   * 500 ms, not less: on a loaded worker a descheduled process must not fail ordinary renders.
   */
  private readonly engine = new Liquid({
    strictFilters: true,
    strictVariables: true,
    lenientIf: true,
    cache: false,
    parseLimit: 10_000,
    renderLimit: 500,
    memoryLimit: 1_000_000,
    // No file system: a template must never read a file of the server (`{% include '.smsflow/…' %}`).
    templates: {},
  });
  private readonly parsed = new Map<string, Template[]>();

  constructor() {
    // File-loading tags are refused at parse time, so a template using them is a 422 at creation
    // and preview, never a send.
    for (const tag of FILE_TAGS) {
      this.engine.registerTag(tag, {
        parse() {
          throw new Error(`{% ${tag} %} is not allowed: SMS templates cannot load other templates or files`);
        },
        render() {
          return '';
        },
      });
    }
  }
  private readonly plans = new Map<string, SimplePlan | null>();

  /** Parses `source` (cached). @throws liquidjs' ParseError on a malformed template. */
  compile(source: string): Template[] {
    let tpl = this.parsed.get(source);
    if (!tpl) {
      tpl = this.engine.parse(source);
      if (this.parsed.size > 1_000) {
        this.parsed.clear();
        this.plans.clear();
      }
      this.parsed.set(source, tpl);
      this.plans.set(source, simplePlan(tpl));
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
    const plan = this.plans.get(source);
    const fast = plan ? renderSimple(plan, scope) : undefined;
    if (fast !== undefined) return checked(fast.trim());
    let effective = withoutBlanks(scope);
    if (options.policy === 'default' && options.defaults) effective = withDefaults(effective, options.defaults);
    const missing: string[] = [];
    for (;;) {
      try {
        const text = String(this.engine.renderSync(tpl, effective)).trim();
        if (missing.length > 0) {
          return { ok: false, reason: 'missing_field', detail: `no value for ${missing.join(', ')}`, variables: missing };
        }
        return checked(text);
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

/** The final checks of a rendered text: size, and no Liquid delimiter left. */
function checked(text: string): RenderResult {
  if (text.length > MAX_RENDERED_CHARS) {
    return { ok: false, reason: 'template_error', detail: `rendered text is ${text.length} characters, over ${MAX_RENDERED_CHARS}` };
  }
  if (/\{\{|\{%/.test(text)) return { ok: false, reason: 'missing_field', detail: 'unrendered placeholder in output' };
  return { ok: true, text };
}

/**
 * A template made only of text and `{{ a.b }}` outputs, optionally with `upcase`/`downcase`/
 * `capitalize`: literal strings and variable paths. Most SMS templates are this simple, and concatenating them is several times faster than
 * liquidjs' general renderer (benchmarks.md S7). Anything else renders through liquidjs.
 */
type SimplePlan = (string | { path: string[]; filters: ((s: string) => string)[] })[];

/** Argument-free string filters the plain path applies itself, exactly as liquidjs defines them. */
const PLAIN_FILTERS: ReadonlyMap<string, (s: string) => string> = new Map([
  ['upcase', (s: string) => s.toUpperCase()],
  ['downcase', (s: string) => s.toLowerCase()],
  ['capitalize', (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()],
]);

/** Liquid's special properties on a path (`.size`, `.first`, `.last`): left to liquidjs. */
const SPECIAL_PROPS = new Set(['size', 'first', 'last']);

/** The {@link SimplePlan} of parsed templates, or null when any part is not plain text or a plain output. */
function simplePlan(templates: Template[]): SimplePlan | null {
  const plan: SimplePlan = [];
  for (const t of templates as unknown as { str?: unknown; value?: { filters: { name: string; args: unknown[] }[]; initial: { postfix: unknown[] } } }[]) {
    if (t.constructor.name === 'HTML' && typeof t.str === 'string') {
      plan.push(t.str);
      continue;
    }
    if (t.constructor.name !== 'Output' || !t.value || t.value.initial.postfix.length !== 1) return null;
    const filters: ((s: string) => string)[] = [];
    for (const f of t.value.filters) {
      const fn = f.args.length === 0 ? PLAIN_FILTERS.get(f.name) : undefined;
      if (!fn) return null;
      filters.push(fn);
    }
    const token = t.value.initial.postfix[0] as { constructor: { name: string }; props?: { constructor: { name: string }; content?: unknown }[] };
    if (token.constructor.name !== 'PropertyAccessToken' || !token.props || token.props.length === 0) return null;
    const path: string[] = [];
    for (const p of token.props) {
      if (p.constructor.name !== 'IdentifierToken' || typeof p.content !== 'string' || SPECIAL_PROPS.has(p.content)) return null;
      path.push(p.content);
    }
    plan.push({ path, filters });
  }
  return plan;
}

/**
 * Renders a {@link SimplePlan} when every variable is an own non-empty string or a finite number;
 * undefined otherwise (missing variables, objects...), so liquidjs and the missing-variable policy
 * decide.
 */
function renderSimple(plan: SimplePlan, scope: Record<string, unknown>): string | undefined {
  let out = '';
  for (const part of plan) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    let value: unknown = scope;
    for (const key of part.path) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    let text: string;
    if (typeof value === 'string' && value !== '') text = value;
    else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
    else return undefined;
    for (const filter of part.filters) text = filter(text);
    out += text;
  }
  return out;
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

/**
 * The scope without null/empty values, also inside nested objects (`contact.attributes.city: ''`):
 * those are missing. Arrays are kept as they are.
 */
function withoutBlanks(scope: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(scope)) {
    if (v === null || v === undefined || v === '') continue;
    out[k] = typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? withoutBlanks(v as Record<string, unknown>) : v;
  }
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

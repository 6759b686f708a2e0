import { Liquid } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import { MAX_RENDERED_CHARS, TemplateRenderer } from '../../src/activities/template-renderer.js';
import { loadVectors } from '../helpers/vectors.js';

describe('TemplateRenderer', () => {
  const r = new TemplateRenderer();

  it('renders contact and campaign fields', () => {
    expect(r.render('Hi {{ first_name }}, {{ campaign.offer }}', { first_name: 'Ana', campaign: { offer: '20% off' } })).toEqual({ ok: true, text: 'Hi Ana, 20% off' });
  });

  it('refuses a rendered text longer than one 10-segment message', () => {
    const out = r.render('Deal: {{ long }}', { long: 'BUY NOW '.repeat(250) });
    expect(out).toMatchObject({ ok: false, reason: 'template_error' });
    expect(out.ok ? 0 : out.detail).toContain(String(MAX_RENDERED_CHARS));
  });

  it('stops a template that would run for seconds (render time limit)', () => {
    const started = Date.now();
    const out = r.render('hi{% for i in (1..30000000) %}{% endfor %}', {});
    expect(out.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses include, render and layout at parse time: a template never reads a server file', () => {
    for (const source of ["key: {% include '.smsflow/credentials.key' %}", "{% render 'package.json' %}", "{% layout 'tsconfig.json' %}x"]) {
      expect(() => r.compile(source)).toThrow(/not allowed/);
      const out = r.render(source, {});
      expect(out.ok).toBe(false);
      expect(JSON.stringify(out)).not.toContain('"name"');
    }
  });

  it('never lets a literal placeholder through', () => {
    expect(r.render('Hi {{ name }}', { name: '{{x}}' })).toMatchObject({ ok: false, reason: 'missing_field' });
  });
});

interface RenderCase {
  template: string;
  payload: Record<string, unknown>;
  defaults?: Record<string, string>;
  fallbacks?: Record<string, string>;
}
interface RenderExpectation {
  body?: string;
  error?: string;
  variables?: string[];
  sent?: boolean;
}

describe('TemplateRenderer: template-render vectors', () => {
  const r = new TemplateRenderer();
  const vectors = loadVectors('template-render');
  const cases = vectors.flatMap((v) => {
    const input = v.input as unknown as RenderCase | { cases: RenderCase[] };
    const inputs = 'cases' in input ? input.cases : [input];
    const expected = (Array.isArray(v.expected) ? v.expected : [v.expected]) as RenderExpectation[];
    return inputs.map((c, i) => ({ name: inputs.length > 1 ? `${v.id}[${i}]` : v.id, input: c, expected: expected[i]! }));
  });

  it('has the vectors to run', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });
  for (const { name, input, expected } of cases) {
    it(`${name}: ${expected.body !== undefined ? 'renders' : 'refuses'}`, () => {
      const defaults = input.defaults ?? input.fallbacks;
      const out = r.render(input.template, input.payload, defaults ? { policy: 'default', defaults } : { policy: 'fail' });
      if (expected.body !== undefined) {
        expect(out).toEqual({ ok: true, text: expected.body });
      } else {
        expect(expected.error).toBe('MISSING_VARIABLE');
        expect(out).toMatchObject({ ok: false, reason: 'missing_field', variables: expected.variables });
      }
    });
  }
});

describe('TemplateRenderer: missing variables', () => {
  const r = new TemplateRenderer();

  it('names every missing variable, nested ones too, and treats empty values as missing', () => {
    const out = r.render('{{ a }} {{ b }} {{ campaign.offer }} {{ c }} {{ contact.attributes.city }}', { a: 'x', b: '', campaign: {}, contact: { attributes: { city: '' } } });
    expect(out).toMatchObject({ ok: false, reason: 'missing_field', variables: ['b', 'campaign.offer', 'c', 'contact.attributes.city'] });
  });

  it('uses defaults only under the default policy, and a provided value wins', () => {
    const defaults = { name: 'there', 'campaign.offer': '10% off' };
    expect(r.render('Hi {{ name }}', {}, { policy: 'fail', defaults })).toMatchObject({ ok: false, variables: ['name'] });
    expect(r.render('Hi {{ name }}: {{ campaign.offer }}', { campaign: {} }, { policy: 'default', defaults })).toEqual({ ok: true, text: 'Hi there: 10% off' });
    expect(r.render('Hi {{ name }}', { name: 'Ana' }, { policy: 'default', defaults })).toEqual({ ok: true, text: 'Hi Ana' });
  });

  it('lets | default: and {% if %} handle absent variables', () => {
    expect(r.render('Hi {{ name | default: "friend" }}{% if vip %}, VIP{% endif %}', {})).toEqual({ ok: true, text: 'Hi friend' });
  });

  it('lists the variables a template reads', () => {
    expect(r.variables('{{ a }} {{ campaign.offer }} {% if b %}{% endif %}')).toEqual(['a', 'campaign.offer', 'b']);
  });
});

describe('TemplateRenderer: plain templates render like liquidjs', () => {
  it('gives the same text as liquidjs itself for plain and non-plain templates and scopes', () => {
    const r = new TemplateRenderer();
    const liquid = new Liquid();
    const templates = [
      'Hi {{ first_name }}, {{ campaign.offer }} until {{ until }}!',
      'Hi {{first_name}} {{ n }} {{- tier -}} x',
      'Hi {{ first_name | upcase }} {{ tags.size }} {{ tags.first }}',
      '{% if tier == "gold" %}Gold{% else %}Std{% endif %} {{ first_name }}',
      '{{ first_name | upcase }} {{ tier | capitalize }} {{ campaign.offer | downcase | upcase }} {{ n | capitalize }}',
      'Hi {{ first_name | truncate: 2 }} {{ tier | default: "std" }}',
    ];
    const scopes = [
      { first_name: 'Ana', tier: 'gold', n: 3, until: 'Sunday', tags: ['a', 'b'], campaign: { offer: '20% off' } },
      { first_name: 'Bo', tier: 'silver', n: 1.5, until: 'Mon', tags: ['z'], campaign: { offer: '€5' } },
      { first_name: 'élodie', tier: 'gOLD mEMBER', n: 0, until: 'x', tags: ['q'], campaign: { offer: 'ß straße' } },
    ];
    for (const tpl of templates) {
      for (const scope of scopes) {
        expect(r.render(tpl, scope), tpl).toEqual({ ok: true, text: String(liquid.parseAndRenderSync(tpl, scope)).trim() });
      }
    }
  });
});

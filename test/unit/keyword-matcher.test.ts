import { describe, expect, it } from 'vitest';
import { classifyKeywordReply, compileKeywordPacks } from '../../src/domain/keyword-matcher.js';
import type { KeywordClassification } from '../../src/domain/keyword-matcher.js';
import { DEFAULT_KEYWORD_PACKS, KEYWORD_LIMITS, compactKeyword, renderKeywordReply } from '../../src/domain/keyword-pack.js';
import { loadVectors } from '../helpers/vectors.js';

const packs = compileKeywordPacks(DEFAULT_KEYWORD_PACKS);
const exact = (text: string) => classifyKeywordReply(text, packs).classification;
const tolerant = (text: string) => classifyKeywordReply(text, packs, { tolerant: true }).classification;

describe('keyword-detection vectors (tolerant mode on, as an account enabling it sees them)', () => {
  const vectors = loadVectors('keyword-detection');
  it('covers V32, V33, V35, V37, V39', () => {
    expect(vectors.map((v) => v.id)).toEqual(['V32', 'V33', 'V35', 'V37', 'V39']);
  });
  for (const v of vectors) {
    it(v.id, () => {
      const input = v.input as { replies?: (string | { text: string })[]; reply?: string };
      const replies = (input.replies ?? [input.reply!]).map((r) => (typeof r === 'string' ? r : r.text));
      const expected: KeywordClassification[] = Array.isArray(v.expected)
        ? (v.expected as (string | { classification: KeywordClassification })[]).map((e) => (typeof e === 'string' ? (e as KeywordClassification) : e.classification))
        : replies.map(() => (v.expected as { classification: KeywordClassification }).classification);
      expect(replies.map(tolerant)).toEqual(expected);
      // Whole-message keywords give the same answer in exact mode; only the phrase needs tolerance.
      replies.forEach((r, i) => {
        if (r !== 'no me manden mas mensajes') expect(exact(r), r).toBe(expected[i]);
      });
    });
  }
});

describe('classifyKeywordReply', () => {
  it.each([
    ['  Stop.  ', 'OPT_OUT'], ['Arrêt', 'OPT_OUT'], ['stop all', 'OPT_OUT'], ['sair!', 'OPT_OUT'], ['STOPP', 'OPT_OUT'], ['Basta', 'OPT_OUT'],
    ['Ayuda', 'HELP'], ['Hilfe', 'HELP'], ['aiuto', 'HELP'], ['AJUDA', 'HELP'], ['aide', 'HELP'], ['Unstop', 'OPT_IN'], ['inicio', 'OPT_IN'],
  ])('exact: %s is %s', (text, cls) => {
    expect(exact(text)).toBe(cls);
  });

  it('answers in the language of the pack that holds the keyword', () => {
    expect(classifyKeywordReply('ALTO', packs).locale).toBe('es');
    expect(classifyKeywordReply('Arrêt', packs).locale).toBe('fr');
    expect(classifyKeywordReply('STOP', packs).locale).toBe('en');
    expect(classifyKeywordReply('no me manden mas mensajes', packs, { tolerant: true }).locale).toBe('es');
  });

  it.each(['stop please', 'please stop texting me', 'STOP!!! thanks', 'no more texts', 'unsubscribe me please', 'help please', 'keine Nachrichten mehr bitte', 'non mandate più messaggi'])(
    'tolerant: "%s" is a keyword reply',
    (text) => {
      expect(tolerant(text)).not.toBe('NONE');
      expect(exact(text)).toBe('NONE');
    },
  );

  it.each(['we have got to STOP this bill', 'stopping by later', 'Yes please, what time?', "don't stop", 'No thanks', '', 'the end of the movie was great'])(
    'tolerant: "%s" is an ordinary reply',
    (text) => {
      expect(tolerant(text)).toBe('NONE');
    },
  );
});

describe('default packs', () => {
  it('ship opt-out, opt-in and help words for en, es, pt, fr, de, it within Braze limits', () => {
    expect(DEFAULT_KEYWORD_PACKS.map((p) => p.locale)).toEqual(['en', 'es', 'pt', 'fr', 'de', 'it']);
    for (const p of DEFAULT_KEYWORD_PACKS) {
      for (const words of Object.values(p.keywords)) {
        expect(words.length).toBeGreaterThan(0);
        expect(words.length).toBeLessThanOrEqual(KEYWORD_LIMITS.perCategory);
        for (const w of words) expect(compactKeyword(w)).toBe(w);
      }
    }
  });

  it('replies carry what CTIA asks for: brand, rates notice, opt-out/opt-in words and a help contact', () => {
    for (const p of DEFAULT_KEYWORD_PACKS) {
      const stopWord = p.keywords.opt_out[0]!;
      const startWord = p.keywords.opt_in[0]!;
      for (const text of Object.values(p.replies)) {
        expect(text.startsWith('{brand}'), `${p.locale}: ${text}`).toBe(true);
        expect(text.length).toBeLessThanOrEqual(KEYWORD_LIMITS.replyMax);
      }
      expect(p.replies.help).toContain('{help_contact}');
      expect(p.replies.help).toContain('Msg&data rates may apply');
      expect(p.replies.help).toContain(stopWord);
      expect(p.replies.opt_in).toContain('Msg&data rates may apply');
      expect(p.replies.opt_in).toContain(stopWord);
      expect(p.replies.opt_out).toContain(startWord);
      // Every pack's own words classify as their category in that pack's language.
      const own = compileKeywordPacks([p]);
      for (const [category, words] of Object.entries(p.keywords)) for (const w of words) expect(classifyKeywordReply(w, own).category).toBe(category);
    }
  });

  it('renders the placeholders', () => {
    expect(renderKeywordReply('{brand}: help at {help_contact}', { brand: 'Acme', helpContact: 'acme.example/help' })).toBe('Acme: help at acme.example/help');
  });
});

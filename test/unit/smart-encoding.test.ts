import { describe, expect, it } from 'vitest';
import { measureSegments } from '../../src/domain/segments.js';
import { smartEncode } from '../../src/domain/smart-encoding.js';

describe('smartEncode', () => {
  it('turns typographic look-alikes into GSM-7 and reports each replacement', () => {
    const text = '“Hi” it’s 9–5\u00a0today…\u200b';
    const out = smartEncode(text);
    expect(out.text).toBe('"Hi" it\'s 9-5 today...');
    expect(measureSegments(out.text).encoding).toBe('GSM-7');
    expect(out.replacements.map((r) => [r.index, r.from])).toEqual([
      [0, '“'],
      [3, '”'],
      [7, '’'],
      [11, '–'],
      [13, '\u00a0'],
      [19, '…'],
      [20, '\u200b'],
    ]);
  });

  it('leaves letters, emoji and GSM text alone and is idempotent', () => {
    for (const text of ['Canción ção ş', 'Hi 😘', 'plain [GSM] text €']) {
      expect(smartEncode(text)).toEqual({ text, replacements: [] });
    }
    const once = smartEncode('a — b').text;
    expect(smartEncode(once).text).toBe(once);
  });
});

import { describe, expect, it } from 'vitest';
import { normalizeSmppId, smppIdKeys, smppIdsMatch } from '../../src/providers/smpp/smpp-message-id.js';
import { parseSmppReceiptText } from '../../src/providers/smpp/smpp-receipt-text.js';
import { readSmppReceipt, SmppReceiptError } from '../../src/providers/smpp/smpp-receipt.js';
import { loadVectors } from '../helpers/vectors.js';

interface ParsingCase {
  short_message: string;
}
type ParsingExpected = { id: string; stat?: string; status: string; err?: string | number; sub?: null; dlvrd?: null; text?: string | null };

describe('SMPP delivery receipt text (dlr-parsing vectors)', () => {
  for (const v of loadVectors('dlr-parsing').filter((v) => ['V43', 'V44', 'V46'].includes(v.id))) {
    const cases = (v.input.cases as ParsingCase[] | undefined) ?? [v.input as unknown as ParsingCase];
    const expected = Array.isArray(v.expected) ? (v.expected as ParsingExpected[]) : [v.expected as unknown as ParsingExpected];
    cases.forEach((c, i) => {
      it(`${v.id}#${i}: ${c.short_message}`, () => {
        const want = expected[i]!;
        const text = parseSmppReceiptText(c.short_message);
        const receipt = readSmppReceipt({ text: c.short_message });
        expect(text.id).toBe(want.id);
        expect(receipt.receiptedId).toBe(want.id);
        expect(receipt.status).toBe(want.status);
        if (want.stat) expect(text.stat).toBe(want.stat);
        if (typeof want.err === 'string') expect(text.err).toBe(want.err);
        if (typeof want.err === 'number') expect(Number(text.err)).toBe(want.err);
        if ('sub' in want) expect(text.sub).toBe(want.sub);
        if ('dlvrd' in want) expect(text.dlvrd).toBe(want.dlvrd);
        if ('text' in want) expect(text.text).toBe(want.text);
      });
    });
  }

  it('reads fields in any order, lower-case keys, 12-digit dates and text with spaces and colons', () => {
    const t = parseSmppReceiptText('stat:undeliv err:0042 ID:AB12 done date:250115143259 text:Hi: your code is 1');
    expect(t).toMatchObject({ id: 'AB12', stat: 'UNDELIV', err: '0042', doneDate: '250115143259', text: 'Hi: your code is 1', sub: null });
    const r = readSmppReceipt({ text: 'stat:undeliv err:0042 ID:AB12' });
    expect(r).toMatchObject({ receiptedId: 'AB12', status: 'undelivered', reason: 'unreachable', errorCode: '0042' });
  });

  it('prefers the receipted_message_id and message_state TLVs over the text', () => {
    const r = readSmppReceipt({ text: 'id:111 stat:ENROUTE err:000', receiptedMessageId: '7A2F09C1', messageState: 8 });
    expect(r).toMatchObject({ receiptedId: '7A2F09C1', status: 'rejected', reason: 'carrier_rejected', providerStatus: 'REJECTD' });
  });

  it('maps every Appendix B state word', () => {
    const statuses = ['ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD'].map(
      (s) => readSmppReceipt({ text: `id:1 stat:${s}` }).status,
    );
    expect(statuses).toEqual(['sent', 'delivered', 'expired', 'undelivered', 'undelivered', 'sent', 'unknown', 'rejected']);
  });

  it('refuses a receipt with no id or no state', () => {
    expect(() => readSmppReceipt({ text: 'stat:DELIVRD' })).toThrow(SmppReceiptError);
    expect(() => readSmppReceipt({ text: 'id:12 err:000' })).toThrow(SmppReceiptError);
  });
});

describe('SMSC message id correlation (dlr-correlation vectors)', () => {
  it('V40: a hex submit_sm_resp id matches its decimal form in the receipt', () => {
    const v = loadVectors('dlr-correlation').find((x) => x.id === 'V40')!;
    const submitted = v.input.submit_sm_resp_message_id as string;
    const receipt = readSmppReceipt({ text: v.input.deliver_sm_short_message as string });
    expect(receipt.status).toBe(v.expected.status);
    expect(normalizeSmppId(receipt.receiptedId)).toBe(v.expected.normalized_id_decimal);
    expect(smppIdKeys(submitted)).toContain(v.expected.normalized_id_decimal);
    expect(smppIdsMatch(submitted, receipt.receiptedId)).toBe(v.expected.matches_message);
  });

  it('V42: ids match case-insensitively and without the leading zero of the first group', () => {
    const v = loadVectors('dlr-correlation').find((x) => x.id === 'V42')!;
    const cases = v.input.cases as { submit_sm_resp_message_id: string; dlr_id: string }[];
    const expected = v.expected as unknown as { matches_message: boolean }[];
    cases.forEach((c, i) => expect(smppIdsMatch(c.submit_sm_resp_message_id, c.dlr_id)).toBe(expected[i]!.matches_message));
  });

  it('does not match different ids', () => {
    expect(smppIdsMatch('812FC7470000001B', '9308878062554710044')).toBe(false);
    expect(smppIdsMatch('abc-1', 'abc-2')).toBe(false);
    expect(smppIdsMatch('0000', '0')).toBe(true);
  });
});

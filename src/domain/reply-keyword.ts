/**
 * Classifies an inbound reply as an opt-out, opt-in or help keyword. The whole message must be the
 * keyword, compared case-, space-, punctuation- and accent-insensitively ("  Stop. ", "Arrêt"),
 * as Braze and Twilio match (reference/compliance.md §c1): "stop the bill" is not an opt-out.
 * These are the default packs (CTIA practice for English; ALTO/BAJA/PARAR/CANCELAR Spanish, SAIR
 * Portuguese, ARRET/TD French). Per-account and per-sender packs and a tolerant mode are later work.
 */
export type ReplyKeywordClass = 'opt_out' | 'opt_in' | 'help';

const PACKS: Record<ReplyKeywordClass, readonly string[]> = {
  opt_out: ['STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT OUT', 'OPT-OUT',
    'ALTO', 'BAJA', 'PARAR', 'CANCELAR', 'SAIR', 'ARRET', 'TD'],
  opt_in: ['START', 'UNSTOP', 'YES', 'INICIO', 'ALTA', 'COMENZAR'],
  help: ['HELP', 'INFO', 'AYUDA', 'AUXILIO', 'AIDE'],
};

/** Upper case, accents removed, punctuation dropped, spaces folded. */
export function normalizeReply(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const LOOKUP = new Map<string, ReplyKeywordClass>(
  (Object.entries(PACKS) as [ReplyKeywordClass, readonly string[]][]).flatMap(([cls, words]) => words.map((w) => [w, cls] as const)),
);

/** The keyword class of a reply, or null for any other text. */
export function classifyReply(text: string): { class: ReplyKeywordClass; keyword: string } | null {
  const normalized = normalizeReply(text);
  const cls = LOOKUP.get(normalized);
  return cls ? { class: cls, keyword: normalized } : null;
}

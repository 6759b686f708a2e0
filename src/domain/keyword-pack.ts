/**
 * Keyword packs: per language, the reply keywords that opt a number out, opt it back in or ask for
 * help, the auto-reply texts for each, and the small vocabulary the tolerant matcher accepts around
 * them. These are the shipped defaults (editable per account and per sender, see keyword-settings);
 * the words and the required content of each reply come from reference/compliance.md:
 * - §c1 keyword lists: CTIA/Braze/Telnyx/Twilio/AWS English defaults (STOP, STOPALL, UNSUBSCRIBE,
 *   CANCEL, END, QUIT, REVOKE, OPTOUT, OPT-OUT, REMOVE; START, YES, UNSTOP; HELP, INFO), Spanish short
 *   codes (ALTO, AYUDA; Textizen INICIO, AUXILIO; vendors PARAR, CANCELAR, BAJA, COMENZAR, ALTA),
 *   Portuguese SAIR, French ARRET and TD (AWS). German and Italian words are common vendor practice
 *   with no authoritative list: ship them as editable defaults, as §c1's build note says.
 * - §c2 reply content: HELP names the program ({brand}), says how to opt out, the message frequency,
 *   "Msg&data rates may apply" and a support contact ({help_contact}); STOP names the program and says
 *   plainly no more messages will be sent; the opt-in confirmation carries opt-out instructions.
 * Keywords are stored compact (upper case, no accents, no spaces or punctuation: `OPT OUT` → `OPTOUT`),
 * the form {@link compactKeyword} gives; Braze limits them to 1–34 characters, ≤ 20 per category.
 *
 * @module
 */

/** The three keyword categories. */
export type KeywordCategory = 'opt_out' | 'opt_in' | 'help';

/** Placeholders an operator fills per account or sender: `{brand}` and `{help_contact}`. */
export const REPLY_PLACEHOLDERS = ['{brand}', '{help_contact}'] as const;

/** One language's keywords, auto-reply texts and tolerant-mode vocabulary. */
export interface KeywordPack {
  /** BCP 47 language tag: `en`, `es`, `pt`, `fr`, `de`, `it`… */
  locale: string;
  /** Compact keywords per category (see {@link compactKeyword}). */
  keywords: Record<KeywordCategory, string[]>;
  /** Auto-reply per category, with `{brand}` and `{help_contact}` placeholders; 1–300 characters (Braze). */
  replies: Record<KeywordCategory, string>;
  /**
   * Tolerant mode vocabulary, compact words: `fillers` may surround a keyword ("please", "now");
   * `negations` + `objects` form a revocation without a keyword ("no more texts", "no me manden mas
   * mensajes"). A reply with any other word is not a keyword reply.
   */
  tolerant: { fillers: string[]; negations: string[]; objects: string[] };
}

/** Braze's limits (compliance.md §c1): keywords per category, keyword length, reply length. */
export const KEYWORD_LIMITS = { perCategory: 20, keywordMin: 1, keywordMax: 34, replyMin: 1, replyMax: 300 } as const;

/** Upper case, accents removed, everything but letters and digits dropped: `Opt-out` → `OPTOUT`. */
export function compactKeyword(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const EN: KeywordPack = {
  locale: 'en',
  keywords: {
    opt_out: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'REMOVE'],
    opt_in: ['START', 'YES', 'UNSTOP'],
    help: ['HELP', 'INFO'],
  },
  replies: {
    opt_out: '{brand}: You are unsubscribed and will receive no more messages. Reply START to resubscribe.',
    opt_in: '{brand}: You are subscribed to recurring messages. Msg frequency varies. Msg&data rates may apply. Reply HELP for help, STOP to opt out.',
    help: '{brand}: Help at {help_contact}. Msg frequency varies. Msg&data rates may apply. Reply STOP to opt out, START to opt in.',
  },
  tolerant: {
    fillers: ['PLEASE', 'PLS', 'PLZ', 'NOW', 'THANKS', 'THANK', 'YOU', 'THX', 'ME', 'IT', 'JUST', 'OK', 'OKAY', 'ALL', 'ANY', 'MORE', 'THIS', 'THESE', 'SEND', 'SENDING', 'FROM', 'LIST', 'US', 'I', 'WANT', 'TO', 'BE', 'OFF', 'OUT', 'NUMBER', 'MY'],
    negations: ['NO', 'NOT', 'DONT', 'DO', 'NEVER', 'STOP'],
    objects: ['TEXT', 'TEXTS', 'TEXTING', 'MESSAGE', 'MESSAGES', 'MESSAGING', 'SMS', 'CONTACTING', 'CONTACT'],
  },
};

const ES: KeywordPack = {
  locale: 'es',
  keywords: {
    opt_out: ['ALTO', 'BAJA', 'PARAR', 'CANCELAR', 'DETENER', 'STOP'],
    opt_in: ['INICIO', 'ALTA', 'COMENZAR'],
    help: ['AYUDA', 'AUXILIO'],
  },
  replies: {
    opt_out: '{brand}: Te has dado de baja y no recibirás más mensajes. Responde INICIO para volver a suscribirte.',
    opt_in: '{brand}: Estás suscrito a mensajes recurrentes. Frecuencia variable. Pueden aplicarse tarifas de mensajes y datos (Msg&data rates may apply). Responde AYUDA para ayuda, ALTO para cancelar.',
    help: '{brand}: Ayuda en {help_contact}. Frecuencia variable. Pueden aplicarse tarifas de mensajes y datos (Msg&data rates may apply). Responde ALTO para cancelar, INICIO para suscribirte.',
  },
  tolerant: {
    fillers: ['POR', 'FAVOR', 'PORFAVOR', 'YA', 'ME', 'MAS', 'GRACIAS', 'MANDEN', 'MANDES', 'ENVIEN', 'ENVIES', 'MANDAR', 'ENVIAR', 'QUIERO', 'RECIBIR', 'DE', 'LA', 'LISTA', 'DAR', 'DARME', 'DE', 'EN'],
    negations: ['NO', 'NUNCA', 'PAREN', 'DEJEN'],
    objects: ['MENSAJES', 'MENSAJE', 'SMS', 'TEXTOS', 'ESCRIBIRME', 'ESCRIBIR'],
  },
};

const PT: KeywordPack = {
  locale: 'pt',
  keywords: {
    opt_out: ['SAIR', 'PARAR', 'CANCELAR', 'DESCADASTRAR', 'STOP'],
    opt_in: ['INICIAR', 'VOLTAR', 'ENTRAR'],
    help: ['AJUDA'],
  },
  replies: {
    opt_out: '{brand}: Você foi descadastrado e não receberá mais mensagens. Responda INICIAR para voltar a receber.',
    opt_in: '{brand}: Você está inscrito em mensagens recorrentes. Frequência variável. Podem ser cobradas tarifas de mensagens e dados (Msg&data rates may apply). Responda AJUDA para ajuda, SAIR para cancelar.',
    help: '{brand}: Ajuda em {help_contact}. Frequência variável. Podem ser cobradas tarifas de mensagens e dados (Msg&data rates may apply). Responda SAIR para cancelar, INICIAR para se inscrever.',
  },
  tolerant: {
    fillers: ['POR', 'FAVOR', 'JA', 'ME', 'MAIS', 'OBRIGADO', 'OBRIGADA', 'MANDEM', 'ENVIEM', 'MANDAR', 'ENVIAR', 'QUERO', 'RECEBER', 'DA', 'LISTA'],
    negations: ['NAO', 'NUNCA', 'PAREM'],
    objects: ['MENSAGENS', 'MENSAGEM', 'SMS', 'TEXTOS'],
  },
};

const FR: KeywordPack = {
  locale: 'fr',
  keywords: {
    opt_out: ['ARRET', 'TD', 'DESABONNER', 'DESINSCRIRE', 'STOP'],
    opt_in: ['COMMENCER', 'REPRENDRE'],
    help: ['AIDE'],
  },
  replies: {
    opt_out: '{brand} : Vous êtes désabonné et ne recevrez plus de messages. Répondez COMMENCER pour vous réabonner.',
    opt_in: '{brand} : Vous êtes abonné à des messages récurrents. Fréquence variable. Des frais de messagerie et de données peuvent s’appliquer (Msg&data rates may apply). Répondez AIDE pour de l’aide, ARRET pour vous désabonner.',
    help: '{brand} : Aide au {help_contact}. Fréquence variable. Des frais de messagerie et de données peuvent s’appliquer (Msg&data rates may apply). Répondez ARRET pour vous désabonner, COMMENCER pour vous abonner.',
  },
  tolerant: {
    fillers: ['SVP', 'STP', 'SIL', 'VOUS', 'PLAIT', 'MERCI', 'ME', 'M', 'PLUS', 'ENVOYEZ', 'ENVOYER', 'DE', 'LA', 'LISTE', 'JE', 'VEUX'],
    negations: ['NE', 'PAS', 'ARRETEZ', 'JAMAIS'],
    objects: ['MESSAGES', 'MESSAGE', 'SMS', 'TEXTOS'],
  },
};

const DE: KeywordPack = {
  locale: 'de',
  keywords: {
    opt_out: ['STOPP', 'ABMELDEN', 'AUSTRAGEN', 'ENDE', 'STOP'],
    opt_in: ['ANMELDEN'],
    help: ['HILFE'],
  },
  replies: {
    opt_out: '{brand}: Sie sind abgemeldet und erhalten keine weiteren Nachrichten. Antworten Sie ANMELDEN, um sich wieder anzumelden.',
    opt_in: '{brand}: Sie erhalten regelmäßige Nachrichten. Häufigkeit variiert. Es können Gebühren für SMS und Daten anfallen (Msg&data rates may apply). Antworten Sie HILFE für Hilfe, STOPP zum Abmelden.',
    help: '{brand}: Hilfe unter {help_contact}. Häufigkeit variiert. Es können Gebühren für SMS und Daten anfallen (Msg&data rates may apply). Antworten Sie STOPP zum Abmelden, ANMELDEN zum Anmelden.',
  },
  tolerant: {
    fillers: ['BITTE', 'DANKE', 'MIR', 'MEHR', 'SENDEN', 'SCHICKEN', 'JETZT', 'SOFORT', 'ICH', 'WILL', 'MOCHTE', 'ERHALTEN'],
    negations: ['KEINE', 'NICHT', 'NIE'],
    objects: ['NACHRICHTEN', 'NACHRICHT', 'SMS'],
  },
};

const IT: KeywordPack = {
  locale: 'it',
  keywords: {
    opt_out: ['BASTA', 'ANNULLA', 'CANCELLAMI', 'DISISCRIVI', 'STOP'],
    opt_in: ['INIZIA', 'ISCRIVIMI'],
    help: ['AIUTO'],
  },
  replies: {
    opt_out: '{brand}: Sei stato disiscritto e non riceverai più messaggi. Rispondi INIZIA per iscriverti di nuovo.',
    opt_in: '{brand}: Sei iscritto a messaggi ricorrenti. Frequenza variabile. Possono essere applicati costi per messaggi e dati (Msg&data rates may apply). Rispondi AIUTO per assistenza, BASTA per annullare.',
    help: '{brand}: Assistenza su {help_contact}. Frequenza variabile. Possono essere applicati costi per messaggi e dati (Msg&data rates may apply). Rispondi BASTA per annullare, INIZIA per iscriverti.',
  },
  tolerant: {
    fillers: ['PER', 'FAVORE', 'PERFAVORE', 'GRAZIE', 'MI', 'PIU', 'MANDATE', 'INVIATE', 'MANDARE', 'INVIARE', 'VOGLIO', 'RICEVERE', 'ORA'],
    negations: ['NON', 'MAI'],
    objects: ['MESSAGGI', 'MESSAGGIO', 'SMS'],
  },
};

/**
 * The shipped packs, in match-priority order: when a keyword is in several packs (STOP), the first
 * pack's reply language is used.
 */
export const DEFAULT_KEYWORD_PACKS: readonly KeywordPack[] = Object.freeze([EN, ES, PT, FR, DE, IT]);

/** Fills `{brand}` and `{help_contact}` in an auto-reply text. */
export function renderKeywordReply(template: string, fields: { brand: string; helpContact: string }): string {
  return template.replaceAll('{brand}', fields.brand).replaceAll('{help_contact}', fields.helpContact);
}

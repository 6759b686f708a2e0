// Generates examples/consent.csv: a realistic consent export as spreadsheets and CRMs produce them
// (UTF-8 BOM, CRLF, national and international formats with spaces/dashes/parentheses, numbers
// mangled to scientific notation, duplicates, invalid numbers, rows without consent). Every number
// is fictional: NANP 555-0100..0199 and ACMA's 0491 570 xxx (reserved for fiction), and the
// neighbourhood of libphonenumber's own example numbers for GB (07400 123456) and FR (06 12 34 56 78).
// Ofcom's 07700 900xxx drama range and ARCEP's 06 39 98 xx xx appear too, as libphonenumber rightly
// calls them unassigned: "invalid for its country". Deterministic (seeded), so the file is reproducible:
//   node scripts/generate-consent-csv.mjs > examples/consent.csv
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rand() * a.length)];
const first = ['Ana', 'Ben', 'Chloé', 'Dmitri', 'Elif', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jo', 'Kemal', 'Lena', 'Mateo', 'Noor', 'Oskar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Vera', 'Wen', 'Yusuf', 'Zoë'];
const tiers = ['gold', 'silver', 'bronze'];
const rows = [];
const date = () => new Date(Date.UTC(2025, Math.floor(rand() * 12), 1 + Math.floor(rand() * 28), Math.floor(rand() * 24), Math.floor(rand() * 60))).toISOString().replace('.000Z', 'Z');
const add = (phone, optedIn = 'yes', when = date()) => rows.push([phone, optedIn === 'yes' || optedIn === 'no' ? when : when, pick(first), pick(tiers), optedIn]);

const areaCodes = ['201', '202', '212', '213', '305', '312', '415', '512', '617', '646', '702', '713'];
const usFormats = [(a, n) => `(${a}) 555-${n}`, (a, n) => `${a}-555-${n}`, (a, n) => `+1 ${a} 555 ${n}`, (a, n) => `1-${a}-555-${n}`, (a, n) => `${a}.555.${n}`, (a, n) => `${a}555${n}`];
const used = [];
for (const a of areaCodes.slice(0, 7)) for (let i = 0; i < 100; i++) {
  const n = String(100 + i).padStart(4, '0');
  const p = pick(usFormats)(a, n);
  used.push(p);
  add(p);
}
for (let i = 0; i < 200; i++) add(pick([(x) => `+44 7400 123${x}`, (x) => `0044 7400 123 ${x}`, (x) => `+44 (0)7400 123${x}`, (x) => `+44 07400 123${x}`])(String(i).padStart(3, '0')));
for (let i = 0; i < 150; i++) { const x = String(5000 + i); add(pick([`+33 6 12 34 ${x.slice(0, 2)} ${x.slice(2)}`, `0033 612 34${x}`])); }
for (let i = 0; i < 6; i++) add(pick([`+44 7700 900${100 + i}`, `+33 6 39 98 01 ${10 + i}`]));
for (let i = 0; i < 100; i++) add(`+61 491 570 ${String(6 + i).padStart(3, '0')}`);
// Duplicates: the same US numbers written another way (the latest opt-in wins, one contact each).
for (let i = 0; i < 40; i++) add(used[i * 7].replace(/[^0-9]/g, '').replace(/^1?/, '+1'));
// Spreadsheet damage: 12-digit numbers shown as 4.47701E+11 and saved that way (digits lost).
for (let i = 0; i < 10; i++) add(pick(['4.47701E+11', '3.36399E+10', '1.20155E+10', '6.14916E+10']));
// Invalid: too short, too long, letters, an impossible area code, empty.
for (const bad of ['555-0123', '+1 201 555 012', '+1 201 555 01234 99', 'call me', '+1 011 555 0123', '', '12', '+999 1234 5678', '0000000000', '+44 20 7946 000', 'n/a', '+1 (201) 555-01AB', '7700900123', '+33 1 23', '++1 201 555 0100']) add(bad);
// Rows without consent: the contact exists, but no opt-in was given.
for (let i = 0; i < 30; i++) add(`(${pick(areaCodes.slice(7))}) 555-${String(100 + i).padStart(4, '0')}`, 'no');

// Shuffle deterministically, write with BOM + CRLF like Excel's "CSV UTF-8".
for (let i = rows.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [rows[i], rows[j]] = [rows[j], rows[i]]; }
const quote = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
process.stdout.write('\ufeff' + ['phone,opted_in_at,first_name,tier,opted_in', ...rows.map((r) => r.map(quote).join(','))].join('\r\n') + '\r\n');

const valid = rows.filter((r) => parsePhoneNumberFromString(r[0], 'US')?.isValid()).length;
process.stderr.write(`${rows.length} rows, ${valid} parse as valid with default country US\n`);

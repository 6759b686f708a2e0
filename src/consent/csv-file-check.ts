import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';

/** Longest physical line a consent CSV may have, bytes (a row is a phone, a date and a few attributes). */
export const MAX_CSV_LINE_BYTES = 64 * 1024;

/** Why a file cannot be imported at all. `code` is stable. */
export class CsvFileError extends Error {
  override readonly name = 'CsvFileError';
  constructor(
    readonly code: 'csv_binary' | 'csv_utf16' | 'csv_encoding' | 'csv_line_too_long' | 'csv_empty',
    message: string,
    /** 1-based physical line where the problem is, when known. */
    readonly line?: number,
  ) {
    super(message);
  }
}

/** What a full pass over a file established. */
export interface CsvFileFacts {
  bytes: number;
  sha256: string;
  /** Physical lines (LF, CRLF or CR each end one; a last line without a break counts too). */
  lines: number;
}

/**
 * Reads the whole file once before anything is imported, so a file that is not UTF-8 text fails as a
 * whole instead of importing its first rows and mangling the rest:
 * - a UTF-16 BOM (FF FE / FE FF), or NUL bytes (UTF-16 without BOM puts one in every ASCII character;
 *   binaries have them) → `csv_utf16` / `csv_binary`;
 * - bytes that are not valid UTF-8 (Excel "CSV" in Windows-1252/Latin-1 writes `é` as one byte E9)
 *   → `csv_encoding` with the line, asking for "CSV UTF-8";
 * - a line longer than {@link MAX_CSV_LINE_BYTES} (a 10 MB single line is not a consent file) →
 *   `csv_line_too_long`.
 * A UTF-8 BOM is fine (vector V29). Memory stays flat: 64 KB chunks.
 * @throws {CsvFileError}
 */
export async function checkCsvFile(path: string, maxLineBytes = MAX_CSV_LINE_BYTES): Promise<CsvFileFacts> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let line = 1;
  let lineBytes = 0;
  let previousCr = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    if (bytes === 0 && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)))
      throw new CsvFileError('csv_utf16', 'the file is UTF-16 text; save it as "CSV UTF-8"', 1);
    hash.update(chunk);
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0) {
        if (looksUtf16(chunk)) throw new CsvFileError('csv_utf16', 'the file looks like UTF-16 text without a byte order mark; save it as "CSV UTF-8"', line);
        throw new CsvFileError('csv_binary', `the file is not text (NUL byte at line ${line}); upload a CSV file`, line);
      }
      if (b === 0x0a) {
        if (!previousCr) line += 1;
        lineBytes = 0;
        previousCr = false;
      } else if (b === 0x0d) {
        line += 1;
        lineBytes = 0;
        previousCr = true;
      } else {
        previousCr = false;
        if (++lineBytes > maxLineBytes) throw new CsvFileError('csv_line_too_long', `line ${line} is longer than ${maxLineBytes} bytes: not a consent CSV`, line);
      }
    }
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      throw new CsvFileError('csv_encoding', `the file is not UTF-8 (near line ${line}); save it as "CSV UTF-8" (Latin-1/Windows-1252 is not read)`, line);
    }
    bytes += chunk.length;
  }
  try {
    decoder.decode();
  } catch {
    throw new CsvFileError('csv_encoding', 'the file ends inside a UTF-8 character; save it as "CSV UTF-8"', line);
  }
  if (bytes === 0) throw new CsvFileError('csv_empty', 'the file is empty');
  // A final line break ends the last line; it does not start another.
  return { bytes, sha256: hash.digest('hex'), lines: lineBytes > 0 ? line : line - 1 };
}

/** UTF-16 without BOM: in the first bytes, NULs sit at every other position next to ASCII. */
function looksUtf16(chunk: Buffer): boolean {
  const n = Math.min(chunk.length, 512) & ~1;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (chunk[i] === 0) evenNul++;
    if (chunk[i + 1] === 0) oddNul++;
  }
  return Math.max(evenNul, oddNul) > n / 4 && Math.min(evenNul, oddNul) < n / 40;
}

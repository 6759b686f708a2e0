import { readFileSync } from 'node:fs';

/** One test vector of test/fixtures/vectors.jsonl (a copy of the shared reference vectors). */
export interface Vector {
  id: string;
  kind: string;
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}

const all: Vector[] = readFileSync(new URL('../fixtures/vectors.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Vector);

/** The vectors of one kind (`dlr-state-ordering`, `csv-import`…); all of them without a kind. */
export function loadVectors(kind?: string): Vector[] {
  return kind ? all.filter((v) => v.kind === kind) : all;
}

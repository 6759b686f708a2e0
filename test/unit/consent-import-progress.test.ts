import { describe, expect, it } from 'vitest';
import { formatImportProgress } from '../../src/cli/consent-import-command.js';

describe('formatImportProgress', () => {
  it('draws the bar from the progress fraction with the counters', () => {
    expect(formatImportProgress({ progress: 0.5, lines_read: 135_000, total_lines: 270_000, rows_imported: 134_000, rows_unchanged: 990, rows_refused: 9 }, 10)).toBe(
      '[#####.....]  50%  135,000 / 270,000 lines  imported 134,000 · unchanged 990 · refused 9',
    );
  });
  it('says the file is being checked before the line count is known, and clamps', () => {
    expect(formatImportProgress({ progress: 0, lines_read: 0, total_lines: null, rows_imported: 0, rows_unchanged: 0, rows_refused: 0 }, 4)).toBe('[....]   0%  checking file…  imported 0 · unchanged 0 · refused 0');
    expect(formatImportProgress({ progress: 1.2, lines_read: 3, total_lines: 3, rows_imported: 2, rows_unchanged: 0, rows_refused: 0 }, 4)).toMatch(/^\[####\] 100%/);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyReply } from '../../src/domain/reply-keyword.js';

describe('classifyReply', () => {
  it.each([
    ['STOP', 'opt_out'], ['  Stop.  ', 'opt_out'], ['stop all', 'opt_out'], ['Arrêt', 'opt_out'], ['BAJA', 'opt_out'], ['sair!', 'opt_out'],
    ['Unstop', 'opt_in'], ['START', 'opt_in'], ['help?', 'help'], ['Ayuda', 'help'],
  ])('%s is %s', (text, cls) => {
    expect(classifyReply(text)?.class).toBe(cls);
  });

  it.each(['we have got to STOP this bill', 'stopping by later', 'Yes please, what time?', ''])('"%s" is not a keyword', (text) => {
    expect(classifyReply(text)).toBeNull();
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuoted } from '../../src/cli/shell-quote.js';
import { ansiCQuoted } from '../../src/text/ansi-c-quote.js';

/** What bash makes of a quoted word: the argument it would pass. */
function bashReads(quoted: string): string {
  const result = spawnSync('bash', ['-c', `printf %s ${quoted}`], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('shellQuoted', () => {
  it.each([
    ['/Users/ann/hunt.db'],
    ['/tmp/with space/it\'s.db'],
    ['/tmp/\u001b[2Jx.db'],
    ['/tmp/line\nbreak.db'],
    ['/tmp/\u202Ebd.exe'],
    ['/tmp/c1\u009bA/back\\slash\'q'],
    ['/tmp/tag\u{E0041}/zw\u200B'],
  ])('%j pastes back as itself and prints nothing raw', (text) => {
    const quoted = shellQuoted(text);
    expect(quoted).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b\u202e]|\u{E0041}/u);
    expect(bashReads(quoted)).toBe(text);
  });

  it('keeps simple paths as they are and uses $\'…\' only when needed', () => {
    expect(shellQuoted('/a/b.db')).toBe('/a/b.db');
    expect(shellQuoted('/a b')).toBe("'/a b'");
    expect(shellQuoted('/a\u001bb')).toBe("$'/a\\x1bb'");
    expect(ansiCQuoted('é\u00AD')).toBe("$'é\\u00ad'");
  });
});

/**
 * Text from the host — command lines, rule names, file names, notes — is attacker-controlled: a
 * terminal escape sequence in it could rewrite what an administrator sees, and a bidi override
 * (U+202E…) could make `rm -rf` read as something harmless. One function for every place that
 * prints such text.
 *
 * What becomes a visible escape (`\n`, `\t`, `\r`, `\xHH` up to U+00FF, else `\uHHHH` / `\u{HHHHH}`),
 * chosen by Unicode general category so that new format characters are covered as the engine's
 * Unicode tables grow:
 * - Cc, every control: C0 (ESC, BEL, CR, LF, TAB…), DEL and C1 (U+0080–009F, e.g. U+009B, the
 *   one-byte CSI some terminals obey);
 * - Cf, every format character — invisible, and the means of disguise: the bidi embeddings,
 *   overrides and isolates U+202A–202E and U+2066–2069, the marks U+200E/200F and U+061C, zero
 *   width U+200B–200D and U+2060–2064, U+FEFF, the soft hyphen U+00AD, the Unicode tag
 *   characters U+E0000–E007F (text hidden inside other text), interlinear annotations U+FFF9–FFFB;
 * - Zl and Zp, the line and paragraph separators U+2028/2029 (a line break to some terminals and
 *   editors);
 * - Cs, a lone surrogate (not text; would print as U+FFFD, hiding what was there);
 * - and, by name, the invisible Hangul fillers U+115F, U+1160, U+3164, U+FFA0 (letters to
 *   Unicode, blank on screen: a "name" made of them looks empty).
 * Letters, marks, symbols and spaces of every script pass unchanged (`café`, `日本`, emoji).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]/gu;

const INVISIBLE_BEYOND_C0 = /[\u007F-\u009F\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]/gu;

export function printable(text: string): string {
  return text.replace(INVISIBLE, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    const code = ch.codePointAt(0) ?? 0;
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** printable() for text laid out with tabs (a source line above its caret): tabs stay tabs. */
export function printableKeepingTabs(text: string): string {
  return text.split('\t').map(printable).join('\t');
}

/** printable() for prose with line breaks (an investigation guide): `\n` stays a line break, tabs stay tabs. */
export function printableLines(text: string): string {
  return text.split('\n').map(printableKeepingTabs).join('\n');
}

/**
 * JSON for a terminal: the same JSON value, with every character printable() would escape written
 * as a JSON `\uXXXX` escape (JSON.stringify escapes only U+0000–001F; it leaves C1 controls, bidi
 * overrides and the rest raw). Parsing the output gives back exactly the input.
 */
export function printableJson(value: unknown, indent = 2): string {
  // U+0000–001F are left out: inside strings JSON.stringify has escaped them, and outside they are its own layout.
  return JSON.stringify(value, null, indent).replace(INVISIBLE_BEYOND_C0, (ch) =>
    [...Array(ch.length).keys()].map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

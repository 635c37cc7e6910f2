/**
 * eslogger writes a full `stat` block (16 fields) for every file it mentions — executables,
 * cwd, tty — which is about a third of each line, and nothing in emondguard reads them. Blanking
 * them before JSON.parse saves the parser most of its object building.
 *
 * This must never change a result, so only a block that is itself exactly valid JSON of the
 * shape eslogger writes is touched, and it becomes `{}`: still an object, so the line stays valid
 * or invalid exactly as before, and a field that must not be an object (an exit's numeric
 * `stat`) is rejected the same way. Integers follow JSON's grammar (no leading zeros) and strings
 * contain no escapes or control characters; anything else is left for JSON.parse to judge.
 * `test/events/stat-blocks.test.ts` checks that both paths agree on every kind of line.
 */
const INTEGER = String.raw`-?(?:0|[1-9][0-9]*)`;
const PLAIN_STRING = String.raw`"[^"\\\u0000-\u001f]*"`;
const MEMBER = String.raw`"st_[a-z]+":(?:${INTEGER}|${PLAIN_STRING})`;
const STAT_BLOCK = new RegExp(String.raw`"stat":\{(?:${MEMBER}(?:,${MEMBER})*)?\}`, 'g');

export function blankStatBlocks(line: string): string {
  // Most lines are eslogger lines with stat blocks; the rest pay one substring search.
  if (!line.includes('"stat":{')) return line;
  return line.replace(STAT_BLOCK, '"stat":{}');
}

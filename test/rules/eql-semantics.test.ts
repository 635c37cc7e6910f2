import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/rules/index.js';

/**
 * Elasticsearch EQL semantics, one row per fact: `[condition, expected]`, evaluated as
 * `any where <condition>` against DOCUMENT. Each row is a case where a plausible wrong
 * implementation (Unicode case folding, unanchored or regex-escaped wildcards, Python-EQL
 * null logic, JavaScript regex syntax…) would give the other answer.
 */
const DOCUMENT = {
  '@timestamp': '2025-08-07T13:21:35.877Z',
  event: { category: ['process'], type: ['start', 'info'], action: 'exec' },
  process: {
    name: 'Python3',
    short: 'Python',
    executable: '/usr/bin/python3',
    args: ['python3', '-c', 'import os\nos.system("id")'],
    args_count: 3,
    pid: 4242,
    parent: { name: 'emond', pid: 1 },
    code_signature: { trusted: false, exists: true },
    title: 'café',
    kelvin: 'k',
    path_win: 'C:\\Windows\\System32\\cmd.exe',
    emoji: 'a😀b',
    tab: 'a\tb',
    quote: 'say "hi"',
    caret: '^x$',
    star: '*x',
    empty: '',
    empty_list: [],
    null_value: null,
    nested_list: [['a', ['b']], 'c'],
  },
  'dotted.key': 'flat',
  destination: { 'geo.city': 'Lyon' },
  file: { size: '1024' },
  source: { ip: '10.1.2.3' },
  client: { ip: '::ffff:192.168.1.5' },
  server: { ip: 'fe80::1' },
  threat: [{ tactic: { id: 'TA0003' } }, { tactic: { id: 'TA0002' } }],
  user: { id: '0' },
};

type Row = [condition: string, expected: boolean];

const TABLES: Record<string, Row[]> = {
  'equality is exact and case-sensitive, * is literal': [
    ['process.name == "Python3"', true],
    ['process.name == "python3"', false],
    ['process.name == "Python*"', false],
    ['process.name != "Python3"', false],
    ['process.name != "python3"', true],
  ],
  ': and like~ are case-insensitive wildcard matches of the whole value': [
    ['process.name : "python3"', true],
    ['process.name : "PYTHON3"', true],
    ['process.name like~ "pYtHoN3"', true],
    ['process.name : "py*"', true],
    ['process.name : "*3"', true],
    ['process.name : "*TH*"', true],
    ['process.name : "*"', true],
    ['process.name : "python"', false],
    ['process.name : "ython3"', false],
    ['process.name : "p*x"', false],
  ],
  'like is case-sensitive': [
    ['process.name like "Python*"', true],
    ['process.name like "python*"', false],
    ['process.name like "Py?hon3"', true],
  ],
  '? is exactly one code point': [
    ['process.name : "p?thon3"', true],
    ['process.name : "p?hon3"', false],
    ['process.name : "Python3?"', false],
    ['process.emoji : "a?b"', true],
    ['process.emoji : "a??b"', false],
  ],
  '* and ? cross line breaks': [
    ['process.args : "import*system*"', true],
    ['process.args like "import os?os*"', true],
  ],
  'backslash is literal in wildcards': [
    ['process.path_win like "C:\\\\Windows\\\\*"', true],
    ['process.path_win like """C:\\Windows\\System32\\cmd.ex?"""', true],
    ['process.path_win like """C:\\*"""', true],
    ['process.star like """\\*x"""', false],
    ['process.star like "*x"', true],
  ],
  'case folding is ASCII-only': [
    ['process.title : "CAFÉ"', false],
    ['process.title : "CAFé"', true],
    ['process.title like~ "Café"', true],
    ['process.title in~ ("CAFÉ")', false],
    ['process.title in~ ("CAFé")', true],
    ['process.title regex~ "CAFÉ"', false],
    ['process.title regex~ "CAF."', true],
    ['process.kelvin : "\\u{212A}"', false],
    ['process.kelvin regex~ "\\u{212A}"', false],
    ['startsWith~(process.title, "CAFÉ")', false],
  ],
  'pattern lists match when any pattern matches': [
    ['process.name : ("bash", "py*")', true],
    ['process.name : ("bash", "zsh")', false],
    ['process.name like ("bash", "Py*")', true],
    ['process.name like ("bash", "py*")', false],
    ['process.name regex ("bash", "Pyth.n3")', true],
  ],
  'in is exact membership, never a wildcard': [
    ['process.name in ("Python3", "x")', true],
    ['process.name in ("python3")', false],
    ['process.name in~ ("python3")', true],
    ['process.name in ("Py*")', false],
    ['process.name in~ ("py*")', false],
    ['process.name not in ("bash")', true],
    ['process.name not in ("Python3")', false],
    ['process.name not in~ ("PYTHON3")', false],
    ['process.name in ("bash", null)', false],
  ],
  'a test on an array field holds when any element passes': [
    ['process.args == "-c"', true],
    ['process.args == "python"', false],
    ['process.args : "-C"', true],
    ['process.args in ("x", "-c")', true],
    ['process.args != "-c"', false],
    ['process.args not in ("-c")', false],
    ['event.type == "info"', true],
    ['process.nested_list == "b"', true],
    ['threat.tactic.id == "TA0002"', true],
    ['threat.tactic.id != "TA0002"', false],
    ['threat.tactic.id == "TA0004"', false],
  ],
  'dotted keys are the same field as nested objects': [
    ['dotted.key == "flat"', true],
    ['destination.geo.city == "Lyon"', true],
    ['`dotted.key` == "flat"', true],
  ],
  'missing fields: positive tests are false, negations and != are true': [
    ['process.missing == "x"', false],
    ['process.missing != "x"', true],
    ['not process.missing == "x"', true],
    ['process.missing : "*"', false],
    ['not process.missing : "*"', true],
    ['process.missing in ("x")', false],
    ['process.missing not in ("x")', true],
    ['process.missing < 5', false],
    ['not process.missing < 5', true],
    ['process.missing_flag == false', false],
    ['process.missing_flag != true', true],
    ['?process.missing == null', true],
    ['?process.name == "Python3"', true],
  ],
  '== null and != null test presence': [
    ['process.missing == null', true],
    ['process.missing != null', false],
    ['process.name == null', false],
    ['process.name != null', true],
    ['process.null_value == null', true],
    ['process.empty_list == null', true],
    ['process.empty_list != null', false],
    ['process.parent != null', true],
    ['process.parent == "emond"', false],
    ['process.empty != null', true],
  ],
  'prototype members are not fields': [
    ['process.constructor == null', true],
    ['process.toString != null', false],
    ['process.__proto__ == null', true],
  ],
  'numbers compare numerically, keywords by code point': [
    ['process.pid == 4242', true],
    ['process.pid == 4242.0', true],
    ['process.pid == "4242"', true],
    ['process.pid != 1', true],
    ['process.pid > 4000', true],
    ['process.pid >= 4242', true],
    ['process.pid < 4242', false],
    ['process.pid <= 4242', true],
    ['4000 < process.pid', true],
    ['4242 >= process.pid', true],
    ['process.pid in (1, 4242)', true],
    ['process.pid > -1', true],
    ['process.pid == -4242', false],
    ['process.args_count <= 3', true],
    ['process.pid : "42*"', true],
    ['file.size == 1024', true],
    ['file.size > 999', false],
    ['file.size < "2"', true],
    ['process.name > "P"', true],
    ['process.name < "p"', true],
    ['process.emoji > "a\\u{FFFF}"', true],
  ],
  'booleans': [
    ['process.code_signature.trusted == false', true],
    ['process.code_signature.exists == true', true],
    ['process.code_signature.trusted != false', false],
    ['process.code_signature.trusted == "false"', true],
    ['process.code_signature.trusted', false],
    ['process.code_signature.exists', true],
    ['not process.code_signature.trusted', true],
  ],
  'not binds tighter than and, and tighter than or': [
    ['true', true],
    ['false', false],
    ['not true', false],
    ['true and false or true', true],
    ['false or true and false', false],
    ['not false and false', false],
    ['(false or true) and true', true],
    ['not (process.name == "x" or process.pid == 4242)', false],
    ['not not true', true],
  ],
  'string escapes and raw strings': [
    ['process.args : "*import os\\nos*"', true],
    ['process.tab == "a\\tb"', true],
    ['process.quote == "say \\"hi\\""', true],
    ['process.quote == """say "hi""""', true],
    ['process.emoji == "a\\u{1F600}b"', true],
    ['process.emoji == "a\\u{0001f600}b"', true],
    ['process.path_win == """C:\\Windows\\System32\\cmd.exe"""', true],
    ['process.path_win == "C:\\\\Windows\\\\System32\\\\cmd.exe"', true],
  ],
  'comments and white space': [
    ['process.name == "Python3" // trailing comment', true],
    ['/* a /* nested */ comment */ process.name == "Python3"', true],
    ['process.name\t==\r\n"Python3"', true],
  ],
  'regex is an anchored Lucene regular expression': [
    ['process.name regex "Py.*"', true],
    ['process.name regex "py.*"', false],
    ['process.name regex~ "py.*"', true],
    ['process.name regex "Py"', false],
    ['process.name regex "Python[0-9]"', true],
    ['process.name regex~ "PYTHON[0-9]"', true],
    ['process.executable regex "/usr/bin/.*"', true],
    ['process.args regex "import.*system.*"', true],
    ['process.name regex "^Python3$"', false],
    ['process.caret regex "^x$"', true],
    ['process.name regex "Py(thon)+3"', true],
    ['process.name regex "Py(thon){2}3"', false],
    ['process.name regex "Pyt\\\\w+"', true],
    ['process.name regex """Pyt\\d"""', false],
    ['process.name regex "\\"Python\\"3"', true],
    ['process.name regex "[^a-z]ython3"', true],
    ['process.name regex~ "[p]YTHON3"', true],
    ['process.name regex~ "[a-z]ython3"', false],
    ['process.name regex "Py@"', true],
    ['process.name regex "#"', false],
    ['process.name regex ""', false],
    ['process.empty regex ""', true],
    ['process.short regex "Python3+?"', true],
    ['process.star regex "*x"', true],
    ['process.name regex "Python3|bash"', true],
    ['process.name regex "Python\\\\d"', true],
  ],
  'functions': [
    ['startsWith(process.name, "Py")', true],
    ['startsWith(process.name, "py")', false],
    ['startsWith~(process.name, "py")', true],
    ['STARTSWITH(process.name, "Py")', true],
    ['endsWith(process.executable, "python3")', true],
    ['endsWith~(process.executable, "PYTHON3")', true],
    ['stringContains(process.executable, "/bin/")', true],
    ['stringContains(process.executable, "/BIN/")', false],
    ['startsWith(process.args, "-")', true],
    ['startsWith(process.missing, "x")', false],
    ['not startsWith(process.missing, "x")', true],
    ['startsWith(process.name, "Py") == true', true],
    ['startsWith(process.name, "Py") == false', false],
    ['startsWith(process.name, "Py") != false', true],
    ['cidrMatch(source.ip, "10.0.0.0/8")', true],
    ['cidrMatch(source.ip, "192.168.0.0/16", "10.1.2.3")', true],
    ['cidrMatch(source.ip, "172.16.0.0/12")', false],
    ['cidrMatch(source.ip, "10.1.2.2/31")', true],
    ['cidrMatch(source.ip, "10.1.2.2/32")', false],
    ['cidrmatch(server.ip, "FE80::/10")', true],
    ['cidrMatch(server.ip, "10.0.0.0/8")', false],
    ['cidrMatch(client.ip, "192.168.0.0/16")', true],
    ['cidrMatch(process.name, "10.0.0.0/8")', false],
  ],
  'constants fold': [
    ['1 == 1', true],
    ['"a" : "A"', true],
    ['"a" in ("b")', false],
    ['startsWith("abc", "ab")', true],
  ],
};

describe('EQL semantics (Elasticsearch 8.x/9.x)', () => {
  for (const [title, rows] of Object.entries(TABLES)) {
    describe(title, () => {
      it.each(rows)('%s → %s', (condition, expected) => {
        expect(compileQuery(`any where ${condition}`).matches(DOCUMENT)).toBe(expected);
      });
    });
  }
});

describe('event category', () => {
  it.each<Row>([
    ['process where true', true],
    ['"process" where true', true],
    ['file where true', false],
    ['Process where true', false],
    ['any where true', true],
  ])('%s → %s', (query, expected) => {
    expect(compileQuery(query).matches(DOCUMENT)).toBe(expected);
  });

  it('reports the category it selects', () => {
    expect(compileQuery('process where true').category).toBe('process');
    expect(compileQuery('any where true').category).toBe('any');
  });

  it('treats a field name as data, even one written to break out of generated code', () => {
    const hostile = '`a"]; globalThis.eqlInjected = true; //` == "x"';
    expect(compileQuery(`any where ${hostile}`).matches({ 'a"]; globalThis.eqlInjected = true; //': 'x' })).toBe(true);
    expect((globalThis as { eqlInjected?: boolean }).eqlInjected).toBeUndefined();
  });

  it('matches nothing that is not an object, and never throws', () => {
    const query = compileQuery('process where process.name : "*" or process.missing != "x"');
    for (const input of [undefined, null, 0, 'process', [], [DOCUMENT], true]) {
      expect(query.matches(input)).toBe(false);
    }
  });
});

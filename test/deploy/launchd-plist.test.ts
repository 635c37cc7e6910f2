import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AGENT_LABEL,
  APP_EXECUTABLE,
  APP_PATH,
  ES_ENTITLEMENT,
  LAUNCH_DAEMON_PLIST,
  LOG_DIR,
  nodeProgramArguments,
} from '../../src/doctor/install-layout.js';
import { BUNDLE_ENTRY_SCRIPT, BUNDLE_NODE_OPTIONS } from '../../src/cli/entry-guard.js';
import { isPlistDict, parseXmlPlist, type PlistDict } from '../../src/plist/index.js';
import { REPO } from './staging.js';

function plist(relative: string): PlistDict {
  const value = parseXmlPlist(readFileSync(path.join(REPO, relative), 'utf8'));
  if (!isPlistDict(value)) throw new Error(`${relative} is not a dict`);
  return value;
}

describe('launchd/com.emondguard.agent.plist', () => {
  const daemon = plist('launchd/com.emondguard.agent.plist');
  const DAEMON_NODE_OPTIONS = nodeProgramArguments(daemon.ProgramArguments as string[])?.nodeOptions ?? [];

  it('is the LaunchDaemon the doctor and the package expect', () => {
    expect(daemon.Label).toBe(AGENT_LABEL);
    expect(LAUNCH_DAEMON_PLIST).toBe(`/Library/LaunchDaemons/${AGENT_LABEL}.plist`);
    expect(daemon.ProgramArguments).toEqual([APP_EXECUTABLE, ...DAEMON_NODE_OPTIONS, `${APP_PATH}/Contents/Resources/app/dist/cli/main.js`, 'run']);
    expect(daemon.Program).toBeUndefined();
  });

  it('clears NODE_OPTIONS and passes node exactly the options the entry guard allows', () => {
    // An empty value replaces anything set with `launchctl setenv`; node reads it as no options.
    expect(daemon.EnvironmentVariables).toEqual({ PATH: '/usr/bin:/bin:/usr/sbin:/sbin', NODE_OPTIONS: '' });
    expect(DAEMON_NODE_OPTIONS).toEqual(BUNDLE_NODE_OPTIONS);
    expect(nodeProgramArguments(daemon.ProgramArguments as string[])?.script).toBe(BUNDLE_ENTRY_SCRIPT);
  });

  it('finds the script after the node options, and no script in arguments that are all options', () => {
    expect(nodeProgramArguments(['/x/node', '--a=1', '--b', '/x/main.js', 'run', '--flag'])).toEqual({ nodeOptions: ['--a=1', '--b'], script: '/x/main.js' });
    expect(nodeProgramArguments(['/x/node', '/x/main.js'])).toEqual({ nodeOptions: [], script: '/x/main.js' });
    expect(nodeProgramArguments(['/x/node', '--a=1'])).toBeUndefined();
  });

  it('passes node only options this node accepts, which keep the heap small without a hard limit', () => {
    // The daemon benchmark runs with exactly these (scripts/bench/daemon.bench.mjs reads the plist).
    expect(DAEMON_NODE_OPTIONS).toEqual(['--max-semi-space-size=1', '--heap-growing-percent=50']);
    const run = spawnSync(process.execPath, [...DAEMON_NODE_OPTIONS, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('keeps the agent alive, unthrottled and private', () => {
    expect(daemon).toMatchObject({ RunAtLoad: true, KeepAlive: true, ThrottleInterval: 10, ProcessType: 'Interactive', Umask: 0o077 });
    expect(daemon.AssociatedBundleIdentifiers).toEqual([AGENT_LABEL]);
    expect(daemon.StandardOutPath).toBe(`${LOG_DIR}/daemon.out.log`);
    expect(daemon.StandardErrorPath).toBe(`${LOG_DIR}/daemon.err.log`);
  });

  it('has its stdout/stderr rotated by newsyslog without signalling anyone', () => {
    const lines = readFileSync(path.join(REPO, 'launchd/com.emondguard.agent.newsyslog.conf'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.trim().split(/\s+/));
    expect(lines.map((f) => f[0])).toEqual([daemon.StandardOutPath, daemon.StandardErrorPath]);
    for (const fields of lines) expect(fields.slice(1)).toEqual(['root:wheel', '640', '5', '1024', '*', 'N']);
  });
});

describe('scripts/entitlements.plist', () => {
  it('grants the ES client entitlement and what V8 needs under the hardened runtime, nothing more', () => {
    expect(plist('scripts/entitlements.plist')).toEqual({
      [ES_ENTITLEMENT]: true,
      'com.apple.security.cs.allow-jit': true,
      'com.apple.security.cs.allow-unsigned-executable-memory': true,
    });
  });
});

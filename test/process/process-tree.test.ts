import { describe, expect, it } from 'vitest';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { parseLine } from '../../src/events/parse-line.js';
import { ProcessTree, type ProcessTreeOptions } from '../../src/process/process-tree.js';
import { execLine, exitLine, forkLine, TraceBuilder, type MessageOptions, type ProcessSpec } from '../helpers/eslogger.js';

/** Feeds lines through the tree in order and returns the resolved events. */
function run(lines: string[], tree = new ProcessTree()): ExecEvent[] {
  return lines.map((line) => {
    const parsed = parseLine(line);
    if (parsed.kind !== 'event') throw new Error(parsed.reason);
    tree.observe(parsed.event);
    return parsed.event;
  });
}

function lastExec(events: ExecEvent[]): ExecEvent {
  const exec = events.filter((e) => e.event.action === 'exec').at(-1);
  if (exec === undefined) throw new Error('no exec');
  return exec;
}

describe.each([
  ['v3 (no parent audit token)', { version: 3 }],
  ['v9 (object tokens)', { version: 9 }],
  ['v10 (array tokens)', { version: 10 }],
] as Array<[string, MessageOptions]>)('process tree, %s', (_name, options) => {
  it('emond forks and execs a child: the child\'s parent is emond', () => {
    const t = new TraceBuilder(options);
    const emond = t.spawn(t.existing(1, '/sbin/launchd', 0), 500, '/sbin/emond');
    t.spawn(emond, 600, '/bin/sh', ['sh', '-c', 'curl -s https://x']);
    const events = run(t.lines);
    const exec = lastExec(events);
    expect(exec.process.name).toBe('sh');
    expect(exec.process.parent).toEqual({
      pid: 500,
      name: 'emond',
      executable: '/sbin/emond',
      entity_id: events[1]!.process.entity_id,
      ...(options.version! >= 3 ? { start: '2025-08-07T13:21:35.877422Z' } : {}),
      // What emond's own exec said about its signature, so a fake emond shows for what it is.
      code_signature: { exists: true, signing_id: 'com.apple.emond' },
    });
    expect(exec.es.parent_resolution).toBe('tree');
  });

  it('a child that execs in place (sh -c → curl, same pid) still has emond as its parent', () => {
    const t = new TraceBuilder(options);
    const shell = t.spawn(t.existing(500, '/sbin/emond'), 600, '/bin/sh', ['sh', '-c', 'curl -s https://x']);
    t.exec(shell, '/usr/bin/curl', ['curl', '-s', 'https://x']);
    const exec = lastExec(run(t.lines));
    expect(exec.process.name).toBe('curl');
    expect(exec.es.image_before_exec?.executable).toBe('/bin/sh');
    expect(exec.process.parent).toMatchObject({ pid: 500, name: 'emond' });
    expect(exec.es.parent_resolution).toBe('tree');
  });

  it('a grandchild\'s parent is the shell, not emond', () => {
    const t = new TraceBuilder(options);
    const shell = t.spawn(t.existing(500, '/sbin/emond'), 600, '/bin/sh', ['sh', '-c', 'curl x; true']);
    t.spawn(shell, 700, '/usr/bin/curl', ['curl', 'x']);
    const events = run(t.lines);
    const exec = lastExec(events);
    expect(exec.process.pid).toBe(700);
    expect(exec.process.parent).toMatchObject({ pid: 600, name: 'sh', executable: '/bin/sh' });
    expect(exec.es.parent_resolution).toBe('tree');
    // The fork itself names its parent exactly, from the message.
    expect(events.find((e) => e.event.action === 'fork' && e.process.pid === 700)?.es.parent_resolution).toBe('source');
  });

  it('an emond pid reused by another program never lends its name to the new one\'s children', () => {
    const t = new TraceBuilder(options);
    const launchd = t.existing(1, '/sbin/launchd', 0);
    t.exit(t.spawn(launchd, 500, '/sbin/emond'));
    const reuser = t.spawn(launchd, 500, '/bin/bash', ['bash']);
    t.spawn(reuser, 600, '/usr/bin/curl', ['curl', 'x']);
    const exec = lastExec(run(t.lines));
    expect(exec.process.parent).toMatchObject({ pid: 500, name: 'bash' });
    expect(exec.es.parent_resolution).toBe('tree');
  });

  it('a trace that starts mid-flight infers the parent from the pre-exec image of a fresh fork', () => {
    const emond: ProcessSpec = { pid: 500, pidversion: 40, executable: '/sbin/emond', ppid: 1 };
    const forked: ProcessSpec = { pid: 600, pidversion: 41, executable: '/sbin/emond', ppid: 500, parentPidversion: 40 };
    const events = run([execLine(forked, { ...forked, pidversion: 42, executable: '/bin/zsh' }, { args: ['zsh', '-c', 'id'] }, options)]);
    const exec = lastExec(events);
    expect(exec.process.parent).toEqual({ pid: 500, name: 'emond', executable: '/sbin/emond' });
    expect(exec.es.parent_resolution).toBe('inferred');
    void emond;
  });

  it('does not infer from the image of an orphan (reparented: original_ppid ≠ ppid)', () => {
    const orphan: ProcessSpec = { pid: 600, pidversion: 41, executable: '/sbin/emond', ppid: 1, originalPpid: 500 };
    const exec = lastExec(run([execLine(orphan, { ...orphan, pidversion: 42, executable: '/bin/sh' }, {}, options)]));
    expect(exec.process.parent).toEqual({ pid: 1 });
    expect(exec.es.parent_resolution).toBe('unknown');
  });

  it('does not infer from an image the tree saw being exec\'d (not a fork copy)', () => {
    const t = new TraceBuilder(options);
    // The trace starts with 600 already running something it exec'd; its parent 500 never appears.
    let p = t.existing(600, '/usr/libexec/helper', 500);
    p = t.exec(p, '/sbin/emond');
    p = t.exec(p, '/bin/sh');
    const events = run(t.lines);
    // First exec: the helper image could be a fork copy of 500 → inferred.
    expect(events[0]!.es.parent_resolution).toBe('inferred');
    // Second exec: the emond image was exec'd, so it says nothing about the parent.
    expect(events[1]!.process.parent).toEqual({ pid: 500 });
    expect(events[1]!.es.parent_resolution).toBe('unknown');
  });
});

describe('process tree: pidversion', () => {
  it('with v4+ tokens, a reused pid whose fork was never seen is not emond', () => {
    const t = new TraceBuilder({ version: 9 });
    const emond = t.existing(500, '/sbin/emond');
    t.exit(emond);
    // pid 500 is taken by bash, unseen; bash's child 600 (also unseen) execs curl.
    const bash: ProcessSpec = { pid: 500, pidversion: 9000, executable: '/bin/bash', ppid: 1 };
    const child: ProcessSpec = { pid: 600, pidversion: 9001, executable: '/bin/bash', ppid: 500, parentPidversion: 9000 };
    t.lines.push(execLine(child, { ...child, pidversion: 9002, executable: '/usr/bin/curl' }));
    const tree = new ProcessTree();
    tree.seed([{ pid: 500, ppid: 1, pidversion: emond.pidversion, executable: '/sbin/emond' }]);
    const exec = lastExec(run(t.lines, tree));
    expect(exec.process.parent).toEqual({ pid: 500, name: 'bash', executable: '/bin/bash' });
    expect(exec.es.parent_resolution).toBe('inferred');
    expect(tree.counters.pidversionMismatches).toBe(1);
    void bash;
  });

  it('without tokens (v < 4), an exited emond is never used for a later child of its pid', () => {
    const emond: ProcessSpec = { pid: 500, pidversion: 40, executable: '/sbin/emond', ppid: 1 };
    const child: ProcessSpec = { pid: 600, pidversion: 9001, executable: '/bin/bash', ppid: 500 };
    const childExec = execLine(child, { ...child, pidversion: 9002, executable: '/usr/bin/curl' }, {}, { version: 3 });
    const seeded = () => {
      const tree = new ProcessTree();
      tree.seed([{ pid: 500, ppid: 1, pidversion: 40, executable: '/sbin/emond' }]);
      return tree;
    };
    // While emond runs, its pid names it…
    expect(lastExec(run([childExec], seeded())).process.parent.name).toBe('emond');
    // …once it has exited, the pid may be anybody's.
    const exec = lastExec(run([exitLine(emond, 0, { version: 3 }), childExec], seeded()));
    expect(exec.process.parent.name).toBe('bash');
    expect(exec.es.parent_resolution).toBe('inferred');
  });

  it('an exited parent whose pidversion matches is still found within the grace, not after', () => {
    const emond: ProcessSpec = { pid: 500, pidversion: 40, executable: '/sbin/emond', ppid: 1 };
    const child: ProcessSpec = { pid: 600, pidversion: 41, executable: '/sbin/emond', ppid: 500, parentPidversion: 40 };
    const t = new TraceBuilder({ version: 9 });
    t.lines.push(forkLine(emond, child));
    t.exit(emond);
    // Delivered after emond's exit (merged traces), but the token proves it was emond.
    t.lines.push(execLine(child, { ...child, pidversion: 42, executable: '/bin/sh' }));
    const tree = new ProcessTree({ exitGraceEvents: 5 });
    const events = run(t.lines, tree);
    expect(lastExec(events).es.parent_resolution).toBe('tree');
    expect(lastExec(events).process.parent.name).toBe('emond');

    const late = new TraceBuilder({ version: 9 });
    late.lines.push(forkLine(emond, child));
    late.exit(emond);
    for (let i = 0; i < 5; i++) late.lines.push(forkLine({ ...emond, pid: 1, executable: '/sbin/launchd' }, { ...emond, pid: 800 + i, executable: '/sbin/launchd' }));
    late.lines.push(execLine({ ...child, pidversion: 41 }, { ...child, pidversion: 43, executable: '/bin/sh' }));
    const lateTree = new ProcessTree({ exitGraceEvents: 5 });
    const lateExec = lastExec(run(late.lines, lateTree));
    expect(lateTree.counters.evictedExited).toBe(1);
    // The fork record of 600 remains (a fork copy of emond): inferred, not looked up.
    expect(lateExec.es.parent_resolution).toBe('inferred');
  });
});

describe('process tree: memory bounds and seeding', () => {
  function churn(tree: ProcessTree, processes: number, exit: boolean): void {
    const t = new TraceBuilder({ version: 9 });
    const launchd = t.existing(1, '/sbin/launchd', 0);
    for (let pid = 1000; pid < 1000 + processes; pid++) {
      const p = t.spawn(launchd, pid, '/usr/bin/true');
      if (exit) t.exit(p);
    }
    run(t.lines, tree);
  }

  it('evicts exited processes after the grace, keeping the tree small under churn', () => {
    const tree = new ProcessTree({ exitGraceEvents: 10 });
    churn(tree, 2000, true);
    // launchd plus the few exits still in their grace.
    expect(tree.size).toBeLessThanOrEqual(1 + 10);
    expect(tree.counters.evictedExited).toBeGreaterThanOrEqual(1990);
    expect(tree.counters.evictedForCapacity).toBe(0);
  });

  it('never holds more than its capacity, evicting the least recently used', () => {
    const tree = new ProcessTree({ capacity: 100 });
    churn(tree, 1000, false);
    expect(tree.size).toBe(100);
    expect(tree.counters.evictedForCapacity).toBe(1000 + 1 - 100);
    // launchd is used (as a parent lookup or forker) on every fork, so it stays.
    expect(tree.get(1)?.name).toBe('launchd');
    expect(tree.get(1999)?.name).toBe('true');
    expect(tree.get(1000)).toBeUndefined();
  });

  it('rejects a nonsensical configuration', () => {
    expect(() => new ProcessTree({ capacity: 0 } as ProcessTreeOptions)).toThrow(RangeError);
    expect(() => new ProcessTree({ exitGraceEvents: -1 })).toThrow(RangeError);
  });

  it('resolves children of processes from the start-up snapshot, pidversion-checked', () => {
    const tree = new ProcessTree();
    tree.seed([
      { pid: 1, ppid: 0, pidversion: 1, executable: '/sbin/launchd' },
      { pid: 500, ppid: 1, pidversion: 40, executable: '/sbin/emond' },
    ]);
    const child: ProcessSpec = { pid: 600, pidversion: 41, executable: '/sbin/emond', ppid: 500, parentPidversion: 40 };
    const exec = lastExec(run([execLine(child, { ...child, pidversion: 42, executable: '/bin/sh' })], tree));
    expect(exec.process.parent).toEqual({ pid: 500, name: 'emond', executable: '/sbin/emond', entity_id: '500:40:' });
    expect(exec.es.parent_resolution).toBe('tree');
    expect(tree.counters.seeded).toBe(2);

    const stale: ProcessSpec = { ...child, pid: 601, parentPidversion: 77 };
    const mismatch = lastExec(run([execLine(stale, { ...stale, pidversion: 43, executable: '/bin/sh' })], tree));
    expect(mismatch.es.parent_resolution).toBe('inferred');
  });

  it('keeps a parent the source named, and resolves ECS events without one from the tree', () => {
    const tree = new ProcessTree();
    const doc = (pid: number, executable: string, parent: Record<string, unknown>) =>
      JSON.stringify({
        '@timestamp': '2024-01-01T00:00:00Z',
        event: { category: 'process', type: 'start', action: 'exec' },
        process: { pid, executable, parent },
      });
    const events = run([doc(500, '/sbin/emond', { pid: 1, name: 'launchd' }), doc(600, '/bin/sh', { pid: 500 })], tree);
    expect(events[0]!.es.parent_resolution).toBe('source');
    expect(events[1]!.process.parent).toMatchObject({ pid: 500, name: 'emond', executable: '/sbin/emond' });
    expect(events[1]!.es.parent_resolution).toBe('tree');
    expect(tree.counters.resolvedBySource).toBe(1);
    expect(tree.counters.resolvedFromTree).toBe(1);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyEsloggerStderr, EsloggerError, EsloggerProcess, type EsloggerHandlers } from '../../src/sources/eslogger-process.js';

const standins = fileURLToPath(new URL('../fixtures/eslogger-standin/', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-eslogger-'));
const running: EsloggerProcess[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
  delete process.env.EMONDGUARD_STANDIN_LINES;
  delete process.env.EMONDGUARD_STANDIN_LOG;
});

function collect(stream: Readable, into: string[]): void {
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => into.push(chunk));
}

function handlers(overrides: Partial<EsloggerHandlers> & { output?: string[] } = {}): EsloggerHandlers {
  return {
    onOutput: (s) => collect(s, overrides.output ?? []),
    onFatal: () => {},
    onRestart: () => {},
    ...overrides,
  };
}

function esloggerAt(name: string, h: EsloggerHandlers, extra: Partial<ConstructorParameters<typeof EsloggerProcess>[0]> = {}): EsloggerProcess {
  const p = new EsloggerProcess({ path: path.join(standins, name), events: ['exec', 'fork', 'exit'], startGraceMs: 300, initialBackoffMs: 50, ...extra }, h);
  running.push(p);
  return p;
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('eslogger process', () => {
  it('runs eslogger with the subscribed events and hands its output over', async () => {
    const lines = path.join(dir, 'lines.ndjson');
    writeFileSync(lines, '{"event_type":9}\n{"event_type":11}\n');
    process.env.EMONDGUARD_STANDIN_LINES = lines;
    process.env.EMONDGUARD_STANDIN_LOG = path.join(dir, 'args.log');
    const output: string[] = [];
    const p = esloggerAt('prints-lines', handlers({ output }));
    await p.start();
    await until(() => output.join('').split('\n').length > 2);
    expect(output.join('')).toBe('{"event_type":9}\n{"event_type":11}\n');
    expect(readFileSync(path.join(dir, 'args.log'), 'utf8').trim()).toBe('exec fork exit');
    await p.stop();
    expect(p.starts).toBe(1);
  });

  it('refuses to start without Full Disk Access, saying how to grant it', async () => {
    // A refusal must be seen before start() gives up waiting: a slow machine may take a while to run the stand-in.
    const p = esloggerAt('no-full-disk-access', handlers(), { startGraceMs: 5000 });
    const error = await p.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsloggerError);
    await new Promise((r) => setTimeout(r, 200));
    expect(p.starts).toBe(1);
    expect((error as EsloggerError).code).toBe('E_ESLOGGER_NO_FDA');
    expect((error as EsloggerError).message).toContain('System Settings › Privacy & Security › Full Disk Access');
    expect((error as EsloggerError).message).toContain('ERR_NOT_PERMITTED');
  });

  it('refuses to start when not root', async () => {
    const error = await esloggerAt('not-root', handlers(), { startGraceMs: 5000 }).start().catch((e: unknown) => e);
    expect((error as EsloggerError).code).toBe('E_ESLOGGER_NOT_ROOT');
    expect((error as EsloggerError).message).toContain('must run as root');
  });

  it('explains a missing eslogger (macOS before 13)', async () => {
    const restarts: unknown[] = [];
    const fatal: unknown[] = [];
    const p = new EsloggerProcess(
      { path: path.join(dir, 'no-such-eslogger'), events: ['exec'], initialBackoffMs: 10 },
      handlers({ onRestart: (r) => restarts.push(r), onFatal: (e) => fatal.push(e) }),
    );
    const error = await p.start().catch((e: unknown) => e);
    expect((error as EsloggerError).code).toBe('E_ESLOGGER_MISSING');
    expect((error as EsloggerError).message).toContain('macOS 13');
    // A program that cannot be run is not restarted, and its failure is reported once.
    await new Promise((r) => setTimeout(r, 200));
    expect(p.starts).toBe(1);
    expect(restarts).toEqual([]);
    expect(fatal).toEqual([]);
  });

  it('restarts a dying eslogger with growing delays and keeps handing output over', async () => {
    const lines = path.join(dir, 'one.ndjson');
    writeFileSync(lines, '{"event_type":9}\n');
    process.env.EMONDGUARD_STANDIN_LINES = lines;
    const output: string[] = [];
    const restarts: Array<{ attempt: number; delayMs: number; reason: string }> = [];
    const p = esloggerAt('dies', handlers({ output, onRestart: (r) => restarts.push(r) }));
    await p.start();
    await until(() => restarts.length >= 3);
    await p.stop();
    expect(restarts.slice(0, 3).map((r) => r.delayMs)).toEqual([50, 100, 200]);
    expect(restarts[0]?.reason).toContain('code 70');
    expect(restarts[0]?.reason).toContain('lost connection');
    expect(output.join('').split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(3);
    const startsAtStop = p.starts;
    await new Promise((r) => setTimeout(r, 300));
    expect(p.starts).toBe(startsAtStop);
  });

  it('kills an eslogger that ignores SIGTERM', async () => {
    const p = esloggerAt('ignores-sigterm', handlers(), { killAfterMs: 200 });
    await p.start();
    const before = Date.now();
    await p.stop();
    expect(Date.now() - before).toBeLessThan(2000);
  });
});

describe('classifying eslogger errors', () => {
  it.each([
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED', 'E_ESLOGGER_NO_FDA'],
    ['Caller lacks TCC authorization for Full Disk Access', 'E_ESLOGGER_NO_FDA'],
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED', 'E_ESLOGGER_NOT_ROOT'],
    ['eslogger must be run as root', 'E_ESLOGGER_NOT_ROOT'],
    ['ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS', 'E_ESLOGGER_TOO_MANY_CLIENTS'],
  ])('%s → %s', (stderr, code) => {
    expect(classifyEsloggerStderr(stderr)?.code).toBe(code);
  });

  it('leaves other failures to the restart logic', () => {
    expect(classifyEsloggerStderr('lost connection')).toBeNull();
  });
});

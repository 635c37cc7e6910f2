import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NdjsonFileSink } from '../../src/alerts/sinks/ndjson-file-sink.js';
import { DEFAULT_PUBLIC_ALERT_FIELDS, UnifiedLogAlertSink } from '../../src/alerts/sinks/unified-log-sink.js';
import { makeAlert } from '../helpers/alerts.js';
import { tempDir } from '../helpers/store.js';
import { RecordingUnifiedLog } from '../helpers/unified-log.js';

const stored = (pid: number, args = ['sh', '-c', `echo ${pid}`]) => ({ id: pid, document: makeAlert({ pid, args }) });
const lines = (file: string): Array<{ process: { pid: number } }> =>
  fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { process: { pid: number } });

describe('NDJSON file sink', () => {
  it('appends one ECS document per line to a private file, creating its directory', () => {
    const file = path.join(tempDir(), 'logs', 'alerts.ndjson');
    const sink = new NdjsonFileSink({ path: file });
    sink.write([stored(1), stored(2)]);
    sink.write([stored(3)]);
    sink.close();
    expect(lines(file).map((d) => d.process.pid)).toEqual([1, 2, 3]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0] as string)).toEqual(makeAlert({ pid: 1, args: ['sh', '-c', 'echo 1'] }));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('rotates by size, keeping maxFiles old files and never splitting a batch', () => {
    const file = path.join(tempDir(), 'alerts.ndjson');
    const lineBytes = `${JSON.stringify(stored(1).document)}\n`.length;
    const sink = new NdjsonFileSink({ path: file, maxBytes: lineBytes * 2 + 10, maxFiles: 2 });
    for (let pid = 1; pid <= 7; pid++) sink.write([stored(pid)]);
    sink.close();
    expect(lines(file).map((d) => d.process.pid)).toEqual([7]);
    expect(lines(`${file}.1`).map((d) => d.process.pid)).toEqual([5, 6]);
    expect(lines(`${file}.2`).map((d) => d.process.pid)).toEqual([3, 4]);
    expect(fs.existsSync(`${file}.3`)).toBe(false);
  });

  it('picks up the size of an existing file after a restart', () => {
    const file = path.join(tempDir(), 'alerts.ndjson');
    const lineBytes = `${JSON.stringify(stored(1).document)}\n`.length;
    new NdjsonFileSink({ path: file }).write([stored(1)]);
    const sink = new NdjsonFileSink({ path: file, maxBytes: lineBytes + 1 });
    sink.write([stored(2)]);
    sink.close();
    expect(lines(`${file}.1`).map((d) => d.process.pid)).toEqual([1]);
    expect(lines(file).map((d) => d.process.pid)).toEqual([2]);
  });

  it('throws when the file cannot be written (the delivery retries) and works once the path is fixed', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'logs'), 'a file where the log directory should be');
    const sink = new NdjsonFileSink({ path: path.join(dir, 'logs', 'alerts.ndjson') });
    expect(() => sink.write([stored(1)])).toThrow(/EEXIST|ENOTDIR/);
    fs.rmSync(path.join(dir, 'logs'));
    sink.write([stored(1)]);
    sink.close();
    expect(lines(path.join(dir, 'logs', 'alerts.ndjson'))).toHaveLength(1);
  });
});

describe('unified log sink', () => {
  it('logs one line per alert to com.emondguard.agent/alert: triage fields public, the rest private', () => {
    const log = new RecordingUnifiedLog();
    const sink = new UnifiedLogAlertSink(log);
    sink.write([{ id: 42, document: makeAlert({ userName: 'root', args: ['sh', '-c', 'curl -H "Authorization: secret" x'] }) }]);
    expect(log.records).toHaveLength(1);
    const [record] = log.records;
    expect(record).toMatchObject({ subsystem: 'com.emondguard.agent', category: 'alert', level: 'default', public: true });
    expect(record?.message).toBe(
      'emondguard alert alert.id=42 rule.name="Suspicious Emond Child Process" rule.id=3e3d15c6-1509-479a-b125-21718372157e ' +
        'rule.severity=medium rule.risk_score=47 process.name=curl process.pid=4242 process.executable=/usr/bin/curl ' +
        'process.parent.name=emond process.parent.pid=311 process.parent.executable=/sbin/emond host.name=mac-01 user.id=0',
    );
    // The command line (it can carry credentials) is never in the public message.
    expect(record?.message).not.toContain('secret');
    expect(record?.detail).toContain('process.command_line="sh -c curl -H \\"Authorization: secret\\" x"');
    expect(record?.detail).toContain('user.name=root');
  });

  it('takes the public and private field lists from configuration', () => {
    const log = new RecordingUnifiedLog();
    const sink = new UnifiedLogAlertSink(log, { publicFields: ['rule.name', 'process.command_line'], privateFields: [], level: 'error' });
    sink.write([stored(1)]);
    expect(log.records[0]).toMatchObject({
      level: 'error',
      message: 'emondguard alert rule.name="Suspicious Emond Child Process" process.command_line="sh -c echo 1"',
      detail: '',
    });
    expect(DEFAULT_PUBLIC_ALERT_FIELDS).not.toContain('process.command_line');
  });

  it('throws when the unified log is unavailable, so the delivery retries it', () => {
    const log = new RecordingUnifiedLog();
    log.failuresLeft = 1;
    const sink = new UnifiedLogAlertSink(log);
    expect(() => sink.write([stored(1)])).toThrow(/unavailable/);
    sink.write([stored(1)]);
    expect(log.records).toHaveLength(1);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { EsloggerSource } from '../../src/sources/eslogger-source.js';
import { TraceBuilder } from '../helpers/eslogger.js';

const standins = fileURLToPath(new URL('../fixtures/eslogger-standin/', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'emondguard-eslogger-source-'));
afterEach(() => {
  delete process.env.EMONDGUARD_STANDIN_LINES;
});

describe('EsloggerSource', () => {
  it('counts gaps in global_seq_num as kernel drops, except lines it printed and the reader skipped', async () => {
    const t = new TraceBuilder({ version: 9 });
    const launchd = t.existing(1, '/sbin/launchd', 0);
    for (let pid = 500; pid < 503; pid++) t.spawn(launchd, pid, '/bin/ls'); // 6 messages, seq 1–6
    const lines = [...t.lines];
    lines[2] = '{"this is": "not an eslogger message"'; // seq 3 printed, skipped as malformed
    lines.splice(4, 1); // seq 5 never printed: the kernel dropped it
    const trace = path.join(dir, 'gaps.ndjson');
    writeFileSync(trace, `${lines.join('\n')}\n`);
    process.env.EMONDGUARD_STANDIN_LINES = trace;

    const source = new EsloggerSource({ path: path.join(standins, 'prints-lines'), events: ['exec', 'fork', 'exit'] });
    const seen: ExecEvent[] = [];
    await source.start({ onEvents: (events) => seen.push(...events), onWarning: () => {}, onFatal: () => {} });
    const deadline = Date.now() + 5000;
    while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await source.stop();
    expect(seen.map((e) => e.event.sequence)).toEqual([1, 2, 4, 6]);
    expect(source.counters()).toMatchObject({ kernelDrops: 1, skipped: 1 });
  });
});

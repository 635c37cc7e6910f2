import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlertStore } from '../../src/storage/alert-store.js';
import Database from 'better-sqlite3';
import { tempDbPath } from '../helpers/store.js';

const WRITER = fileURLToPath(new URL('./children/burst-writer.mjs', import.meta.url));
const KILLS = 30;

/**
 * Runs the writer, waits until it has acknowledged at least `minAcks` alerts plus a random extra
 * delay (so the kill lands anywhere in a burst: mid-transaction, mid-fsync, between commits),
 * SIGKILLs it, and returns every acknowledgement it printed.
 */
function runAndKill(file: string, firstSeq: number, extraDelayMs: number): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, file, String(firstSeq), '300', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks = new Map<number, number>();
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [seq, id] = line.split(' ').map(Number);
        acks.set(seq as number, id as number);
      }
      if (!timer && acks.size > 0) timer = setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited ${code ?? signal} before the kill: ${stderr}`));
      // Only whole lines count: a half-printed line was never an acknowledgement.
      else resolve(acks);
    });
  });
}

describe('crash loop', () => {
  it(`loses no acknowledged alert and never corrupts the file across ${KILLS} SIGKILLs mid-burst`, async () => {
    const file = tempDbPath();
    const acknowledged = new Map<number, number>();
    let nextSeq = 0;
    let integrityFailures = 0;
    for (let round = 0; round < KILLS; round++) {
      const acks = await runAndKill(file, nextSeq, Math.floor(Math.random() * 120));
      for (const [seq, id] of acks) acknowledged.set(seq, id);
      nextSeq += 1_000_000; // each run numbers its alerts apart, so a lost or mixed-up row shows

      const db = new Database(file, { readonly: true });
      const check = db.pragma('integrity_check', { simple: true });
      if (check !== 'ok') integrityFailures += 1;
      db.close();
    }
    expect(integrityFailures).toBe(0);
    expect(acknowledged.size).toBeGreaterThan(KILLS * 100);

    const store = AlertStore.open(file, { integrityCheck: 'full' });
    expect(store.quarantined).toBeUndefined();
    const stored = new Map<number, number>();
    for (const { id, document } of store.documents({ order: 'oldest' })) stored.set(Number(document.process.args[2]), id);
    const lost = [...acknowledged].filter(([seq, id]) => stored.get(seq) !== id);
    expect(lost).toEqual([]);
    store.close();
  }, 180_000);
});

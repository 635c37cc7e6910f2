// A writer that never stops on its own: bursts of alerts through the real fan-out (store first),
// printing "seq id" for every alert once its commit returned — the acknowledgement the crash
// tests hold the store to. Usage: burst-writer.mjs DB FIRST_SEQ [BURST] [PAUSE_MS]
import fs from 'node:fs';
import { createAlertFanOut } from '../../../dist/alerts/alert-fanout.js';
import { AlertStore } from '../../../dist/storage/alert-store.js';

const [file, firstSeq = '0', burst = '200', pauseMs = '0'] = process.argv.slice(2);
const rule = { id: 'crash-rule', name: 'Crash Rule', max_signals: 100, interval: '5m', note: 'guide' };
const store = AlertStore.open(file);
const fanOut = createAlertFanOut({
  store,
  throttle: false,
  onCommitted: (alerts) => {
    // writeSync: the line is in the pipe before the next commit starts, or not at all.
    fs.writeSync(1, alerts.map((a) => `${a.document.process.args[2]} ${a.id}\n`).join(''));
  },
});

let seq = Number(firstSeq);
function document(n) {
  const time = new Date(Date.now()).toISOString();
  return {
    '@timestamp': time,
    event: { kind: 'alert', category: ['process'], type: ['start'], action: 'exec', created: time, severity: 47, risk_score: 47 },
    host: { name: 'crash-host', os: { type: 'macos' } },
    process: {
      pid: 1000 + (n % 50000), entity_id: `e${n}`, name: 'sh', executable: '/bin/sh', args: ['sh', '-c', String(n)],
      args_count: 3, command_line: `sh -c ${n}`, parent: { pid: 1, entity_id: 'emond', name: 'emond', executable: '/sbin/emond' },
    },
    user: { id: '0' },
    es: { message_version: 9 },
    rule: { id: rule.id, name: rule.name, version: 1, severity: 'medium', risk_score: 47, description: 'd', reference: [], author: [], ruleset: 'test' },
    threat: [],
    emondguard: { count: 1 },
  };
}

function burstOnce() {
  for (let i = 0; i < Number(burst); i++) fanOut.submit(document(seq++), rule);
  setTimeout(burstOnce, Number(pauseMs));
}
fs.writeSync(2, 'ready\n');
burstOnce();

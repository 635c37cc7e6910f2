// Commits alerts and returns without closing the store, the way a CLI command that throws or
// forgets would: its checkpoint thread must not keep the process alive. Usage: unclosed-writer.mjs DB N
import { AlertStore } from '../../../dist/storage/alert-store.js';

const [file, total = '100'] = process.argv.slice(2);
const store = AlertStore.open(file);
const time = new Date().toISOString();
const document = (n) => ({
  '@timestamp': time,
  event: { kind: 'alert', category: ['process'], type: ['start'], action: 'exec', created: time, severity: 47, risk_score: 47 },
  host: { name: 'unclosed-host', os: { type: 'macos' } },
  process: { pid: n, entity_id: `e${n}`, name: 'sh', executable: '/bin/sh', args: ['sh', '-c', String(n)], parent: { pid: 1, name: 'emond' } },
  user: { id: '0' },
  rule: { id: 'unclosed', name: 'Unclosed', version: 1, severity: 'low', risk_score: 21, description: 'd', reference: [], author: [], ruleset: 'test' },
  threat: [],
  emondguard: { count: 1 },
});
for (let n = 0; n < Number(total); n += 100) {
  store.insertAlerts(Array.from({ length: 100 }, (_, i) => ({ document: document(n + i) })));
}
process.stdout.write(`committed ${total}\n`);

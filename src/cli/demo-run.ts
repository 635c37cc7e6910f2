import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent } from '../agent/agent.js';
import type { SourceSetting } from '../config/keys.js';
import { resolveConfig } from '../config/resolve.js';
import { defaultPaths } from '../config/default-paths.js';
import { buildDemoTrace } from '../demo/demo-trace.js';
import { tryLoadNativeAddon } from '../native/addon.js';
import { AlertStore } from '../storage/alert-store.js';
import { refuseIfNotSqlite } from '../storage/sqlite-header.js';
import { formatAlerts } from './alerts/alert-formats.js';
import { terminalStyle } from './alerts/terminal.js';
import { commandName } from './command-name.js';
import { shellQuoted } from './shell-quote.js';

export interface DemoOptions {
  db?: string;
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const out = (text: string) => process.stdout.write(text);
  const workDir = mkdtempSync(path.join(tmpdir(), 'emondguard-demo-'));
  const dbPath = path.resolve(options.db ?? path.join(workDir, 'alerts.db'));
  // The demo runs the agent, which moves aside whatever is at its database path: not a file --db named by mistake.
  refuseIfNotSqlite(dbPath);
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const started = new Date();
  const trace = buildDemoTrace(started);
  const tracePath = path.join(workDir, 'demo-trace.ndjson');
  writeFileSync(tracePath, `${trace.lines.join('\n')}\n`);

  // The simulator where the addon is built against it (Linux), so the demo crosses the native
  // hand-off too; elsewhere the same story is read as a recorded eslogger trace.
  const addon = tryLoadNativeAddon();
  const simulated = addon?.sim !== undefined;
  const source: SourceSetting = simulated ? 'simulator' : `file:${tracePath}`;
  const ndjsonPath = path.join(workDir, 'alerts.ndjson');
  const { config } = resolveConfig(
    {
      file: {
        origin: 'demo',
        values: {
          databasePath: dbPath,
          statusPath: path.join(workDir, 'status.json'),
          agentLogPath: path.join(workDir, 'agent.log'),
          alertsNdjsonPath: ndjsonPath,
          unifiedLog: simulated,
          logLevel: 'warn',
          // A demo's story is a few milliseconds long: merge nothing, keep every alert visible.
          mergeIntervalSeconds: 0,
        },
      },
    },
    defaultPaths(),
  );

  out(
    `emondguard demo — an attacker's emond rule fires at login and emond starts sh -c, curl, python3 and launchctl,\n` +
      `amid ordinary activity (${trace.lines.length} events, ${simulated ? 'through the simulated Endpoint Security client' : 'read as a recorded eslogger trace'}).\n\n`,
  );
  const agent = await Agent.start({
    config,
    source,
    addon,
    ...(simulated ? { simulation: { replay: tracePath } } : {}),
  });
  if (agent.simulationDone) await agent.simulationDone;
  else await agent.finished;
  await agent.stop('demo finished');

  const store = AlertStore.open(dbPath, { readonly: true });
  let count: number;
  let firstId: number;
  try {
    // This run's alerts only: a --db may hold earlier demos (or real alerts).
    const alerts = store.list({ since: started.getTime(), order: 'oldest' });
    count = alerts.length;
    // The hints below name this run's first alert, not whatever alert 1 is in that database.
    firstId = alerts[0]?.id ?? 1;
    out(alerts.length > 0 ? formatAlerts(alerts, 'table', terminalStyle()) : 'No alerts were raised: that is a bug, please report it.\n');
  } finally {
    store.close();
  }
  if (simulated && addon?.sim) {
    const lines = addon.sim.logRecords().filter((r) => r.category === 'alert');
    if (lines.length > 0) {
      out(`\nWhat \`log show --predicate 'subsystem == "com.emondguard.agent"'\` would print (the command line stays <private>):\n`);
      for (const record of lines) out(`  ${record.message}\n`);
    }
  }
  const db = shellQuoted(dbPath);
  const emondguard = commandName();
  out(
    `\n${count} alert(s) stored in ${dbPath}.\n` +
      `Explore them:\n` +
      `  ${emondguard} alerts list --db ${db} --since 1h\n` +
      `  ${emondguard} alerts show ${firstId} --db ${db}          # everything, with the investigation guide\n` +
      `  ${emondguard} alerts ack ${firstId} --note "demo" --db ${db}\n` +
      `  ${emondguard} alerts stats --db ${db}\n` +
      `  ${emondguard} scan ${shellQuoted(tracePath)}   # the same story as a retro-hunt\n` +
      `The ECS copy of each alert, as a SIEM would ingest it: ${ndjsonPath}\n`,
  );
}


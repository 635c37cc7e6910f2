import os from 'node:os';
import type { AgentAction, AgentDocument } from '../../alerts/sinks/alert-sink.js';
import { VERSION } from '../../version.js';

/** Who writes the documents: the same on every one, so a SIEM groups them by `agent.id` and `host.name`. */
export interface AgentIdentity {
  agentId: string;
  hostName: string;
  osType: string;
}

export function currentIdentity(agentId: string): AgentIdentity {
  return { agentId, hostName: os.hostname(), osType: process.platform === 'darwin' ? 'macos' : process.platform };
}

/** `metric` for the periodic heartbeat, `event` for everything that happens once. */
const KINDS: Record<AgentAction, AgentDocument['event']['kind']> = {
  'agent-started': 'event',
  'agent-stopped': 'event',
  heartbeat: 'metric',
  'events-dropped': 'event',
  'rules-reloaded': 'event',
  'unclean-shutdown': 'event',
};

/** ECS event.severity: what a SIEM should look at (drops and deaths) ranks above routine. */
const SEVERITIES: Partial<Record<AgentAction, number>> = { 'events-dropped': 3, 'unclean-shutdown': 3 };

export function agentDocument(
  identity: AgentIdentity,
  action: AgentAction,
  at: Date,
  message: string,
  fields: Record<string, unknown>,
): AgentDocument {
  const severity = SEVERITIES[action];
  return {
    '@timestamp': at.toISOString(),
    message,
    event: { kind: KINDS[action], dataset: 'emondguard.agent', module: 'emondguard', action, ...(severity ? { severity } : {}) },
    agent: { name: 'emondguard', type: 'emondguard', version: VERSION, id: identity.agentId },
    host: { name: identity.hostName, hostname: identity.hostName, os: { type: identity.osType } },
    emondguard: fields,
  };
}

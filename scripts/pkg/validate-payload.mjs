#!/usr/bin/env node
// Validates a staged emondguard package without Apple's tools, and writes its MANIFEST.
//
//   node scripts/pkg/validate-payload.mjs <staging dir> <version>
//
// Every plist is parsed twice — by emondguard's own reader (built dist/plist) and by Python's
// plistlib — and checked for the keys launchd, Installer and codesign rely on. Files are listed
// in <staging>/MANIFEST with the mode they carry and the owner the package gives them.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { parsePlist, isPlistDict } = await import(path.join(repo, 'dist/plist/index.js'));
const { nodeProgramArguments } = await import(path.join(repo, 'dist/doctor/install-layout.js'));

const LABEL = 'com.emondguard.agent';
const APP = 'Library/EmondGuard/EmondGuard.app';
const ES = 'com.apple.developer.endpoint-security.client';

const [staging, version, flag] = process.argv.slice(2);
// --eslogger-only: no ES entitlement and no profile; --no-profile: an unsigned local test build.
const esloggerOnly = flag === '--eslogger-only';
const withoutProfile = esloggerOnly || flag === '--no-profile';
if (!staging || !version || (flag !== undefined && !withoutProfile)) {
  console.error('usage: validate-payload.mjs <staging dir> <version> [--eslogger-only | --no-profile]');
  process.exit(2);
}
const root = path.join(staging, 'root');
const failures = [];
const notes = [];
const check = (ok, message) => {
  if (ok) console.log(`  ✓ ${message}`);
  else failures.push(message);
  return ok;
};
const mode = (file) => lstatSync(file).mode & 0o7777;
const octal = (m) => m.toString(8).padStart(4, '0');

/** Plists read so far, for the second opinion (plistlib) at the end. */
const plistsRead = [];

/** Parses with our reader now; `secondOpinion()` has Python's plistlib read them all too. */
function readPlist(file, label = path.relative(staging, file)) {
  const ours = parsePlist(new Uint8Array(readFileSync(file)), file).value;
  plistsRead.push([file, label]);
  return ours;
}

/** One python3 process reads every plist (and the Distribution XML) and reports per file. */
function secondOpinion(distributionFile) {
  const program = [
    'import json, plistlib, sys, xml.etree.ElementTree as E',
    'files, dist = json.loads(sys.argv[1]), sys.argv[2]',
    'out = {}',
    'for f in files:',
    '    try: plistlib.load(open(f, "rb")); out[f] = None',
    '    except Exception as e: out[f] = f"{type(e).__name__}: {e}"',
    'try: out["version"] = E.parse(dist).getroot().find("pkg-ref[@version]").get("version")',
    'except Exception as e: out["version"] = None; out["distribution"] = str(e)',
    'print(json.dumps(out))',
  ].join('\n');
  const python = spawnSync('python3', ['-c', program, JSON.stringify(plistsRead.map(([file]) => file)), distributionFile], { encoding: 'utf8' });
  if (python.error || python.status !== 0) {
    notes.push(`python3 unavailable or failing (${python.error?.message ?? python.stderr.trim()}): plists checked by one parser only`);
    return;
  }
  const verdicts = JSON.parse(python.stdout);
  for (const [file, label] of plistsRead) check(verdicts[file] === null, `${label} is read by python plistlib${verdicts[file] ? `: ${verdicts[file]}` : ''}`);
  check(verdicts.version === version, `Distribution.xml is well-formed XML for version ${version}${verdicts.distribution ? `: ${verdicts.distribution}` : ''}`);
}

function inPayload(systemPath) {
  return path.join(root, systemPath);
}

// --- the app bundle
const contents = path.join(root, APP, 'Contents');
const info = readPlist(path.join(contents, 'Info.plist'));
check(isPlistDict(info), 'Info.plist is a dict');
check(info.CFBundleIdentifier === LABEL, `CFBundleIdentifier is ${LABEL}`);
check(info.CFBundlePackageType === 'APPL', 'CFBundlePackageType is APPL');
check(info.CFBundleShortVersionString === version && info.CFBundleVersion === version, `bundle version is ${version}`);
check(typeof info.LSMinimumSystemVersion === 'string', 'LSMinimumSystemVersion is set');
const executable = path.join(contents, 'MacOS', String(info.CFBundleExecutable));
check(existsSync(executable) && mode(executable) === 0o755, `CFBundleExecutable ${info.CFBundleExecutable} exists in Contents/MacOS with mode 0755`);
const profile = path.join(contents, 'embedded.provisionprofile');
if (withoutProfile) check(!existsSync(profile), `${esloggerOnly ? 'eslogger-only' : 'unsigned build'}: no provisioning profile in the bundle`);
else if (check(existsSync(profile), 'Contents/embedded.provisionprofile exists')) checkProvisioningProfile(readFileSync(profile));
check(existsSync(path.join(contents, 'Resources/app/dist/cli/main.js')), 'Resources/app/dist/cli/main.js exists');
check(existsSync(path.join(contents, 'Resources/app/package.json')), 'Resources/app/package.json exists');
check(existsSync(path.join(contents, 'Resources/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node')), 'better-sqlite3 addon is bundled');
const addons = path.join(contents, 'Resources/app/native/build/Release');
const ours = existsSync(addons) ? readdirSync(addons).filter((f) => f.endsWith('.node')) : [];
if (ours.length > 0) check(true, `emondguard addon bundled: ${ours.join(', ')}`);
else notes.push('native/build/Release/*.node is not built: the bundle has no Endpoint Security addon (build it with the native build first)');
const entitlementsFile = esloggerOnly ? 'scripts/pkg/entitlements-eslogger.plist' : 'scripts/entitlements.plist';
const entitlements = readPlist(path.join(repo, entitlementsFile), entitlementsFile);
if (esloggerOnly) check(entitlements[ES] === undefined, `${entitlementsFile} does not ask for ${ES}`);
else check(entitlements[ES] === true, `${entitlementsFile} grants ${ES}`);
check(entitlements['com.apple.security.cs.allow-jit'] === true, `${entitlementsFile} lets V8 JIT under the hardened runtime`);

// --- the LaunchDaemon
const daemonPath = inPayload(`Library/LaunchDaemons/${LABEL}.plist`);
const daemon = readPlist(daemonPath);
check(mode(daemonPath) === 0o644, 'LaunchDaemon plist has mode 0644');
check(daemon.Label === LABEL, `Label is ${LABEL}`);
const args = daemon.ProgramArguments;
check(Array.isArray(args) && args.every((a) => typeof a === 'string') && args.at(-1) === 'run', 'ProgramArguments is a list of strings ending in run');
check(args?.[0] === `/${APP}/Contents/MacOS/${info.CFBundleExecutable}`, 'ProgramArguments[0] is the bundle executable');
// executable, node/V8 options, the CLI script, run
const split = Array.isArray(args) ? nodeProgramArguments(args.map(String)) : undefined;
const script = split?.script;
check(split !== undefined && split.nodeOptions.every((a) => a.startsWith('--')), 'ProgramArguments has only node options between the executable and the script');
check(typeof script === 'string' && existsSync(inPayload(script)), `the script ProgramArguments runs (${script}) is in the payload`);
check(daemon.RunAtLoad === true && daemon.KeepAlive === true, 'RunAtLoad and KeepAlive are true');
check(Number.isInteger(daemon.ThrottleInterval) && daemon.ThrottleInterval > 0, 'ThrottleInterval is a positive integer');
check(['Background', 'Standard', 'Adaptive', 'Interactive'].includes(daemon.ProcessType), 'ProcessType is one launchd knows');
check(Array.isArray(daemon.AssociatedBundleIdentifiers) && daemon.AssociatedBundleIdentifiers.includes(LABEL), 'AssociatedBundleIdentifiers names the bundle');

// --- log rotation: the files launchd writes are the ones rotated
const rotation = readFileSync(inPayload(`private/etc/newsyslog.d/${LABEL}.conf`), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
  .map((line) => line.trim().split(/\s+/));
check(rotation.every((fields) => fields.length >= 6 && /^\d+$/.test(fields[2]) && /^\d+$/.test(fields[3])), 'newsyslog entries have logfile, owner:group, mode, count, size, when');
const rotated = rotation.map((fields) => fields[0]).sort();
check(JSON.stringify(rotated) === JSON.stringify([daemon.StandardErrorPath, daemon.StandardOutPath].sort()), 'newsyslog rotates StandardOutPath and StandardErrorPath');

// --- the CLI wrapper and uninstaller
for (const tool of ['Library/EmondGuard/bin/emondguard', 'Library/EmondGuard/uninstall.sh']) {
  check(existsSync(inPayload(tool)) && mode(inPayload(tool)) === 0o755, `${tool} exists with mode 0755`);
}

// --- package metadata
for (const script of ['preinstall', 'postinstall']) {
  const file = path.join(staging, 'scripts', script);
  check(existsSync(file) && mode(file) === 0o755 && readFileSync(file, 'utf8').startsWith('#!/bin/bash'), `scripts/${script} is an executable bash script`);
}
const component = readPlist(path.join(staging, 'component.plist'));
const bundle = Array.isArray(component) ? component[0] : undefined;
check(bundle?.RootRelativeBundlePath === APP && bundle?.BundleIsRelocatable === false, 'component.plist pins the bundle to its path (not relocatable)');
secondOpinion(path.join(staging, 'Distribution.xml'));

// --- modes: nothing in the payload may be writable by group or others
const manifest = [];
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const stats = lstatSync(file);
    manifest.push(`${octal(stats.mode & 0o7777)} root:wheel /${path.relative(root, file)}${stats.isSymbolicLink() ? ' (symlink)' : ''}`);
    if ((stats.mode & 0o022) !== 0 && !stats.isSymbolicLink()) failures.push(`/${path.relative(root, file)} is writable by group or others`);
    if (stats.isDirectory()) walk(file);
  }
}
walk(root);
check(!failures.some((f) => f.includes('writable by group')), 'no payload file is writable by group or others');
manifest.push(
  '# created by postinstall:',
  '0700 root:wheel /Library/Application Support/emondguard',
  '0750 root:wheel /Library/Logs/emondguard',
  'link root:wheel /usr/local/bin/emondguard -> /Library/EmondGuard/bin/emondguard',
);
writeFileSync(path.join(staging, 'MANIFEST'), `${manifest.join('\n')}\n`);
writeFileSync(path.join(staging, 'NOTES'), notes.length > 0 ? `${notes.join('\n')}\n` : '');

for (const note of notes) console.log(`  ! ${note}`);
if (failures.length > 0) {
  for (const failure of failures) console.error(`  ✗ ${failure}`);
  process.exit(1);
}

/** A real profile is a CMS envelope around an XML plist; a dry run may carry a placeholder. */
function checkProvisioningProfile(bytes) {
  const text = bytes.toString('latin1');
  if (text.startsWith('PLACEHOLDER')) {
    notes.push('embedded.provisionprofile is a placeholder: pass --provisioning-profile for a real build');
    return;
  }
  const start = text.indexOf('<?xml');
  const end = text.indexOf('</plist>');
  if (!check(start !== -1 && end > start, 'the provisioning profile contains a plist')) return;
  const plist = parsePlist(new Uint8Array(bytes.subarray(start, end + '</plist>'.length)), 'embedded.provisionprofile').value;
  const granted = plist.Entitlements ?? {};
  check(granted[ES] === true || (Array.isArray(granted[ES]) && granted[ES].length > 0), `the provisioning profile grants ${ES}`);
  const appId = String(granted['com.apple.application-identifier'] ?? granted['application-identifier'] ?? '');
  check(appId.endsWith(`.${LABEL}`), `the provisioning profile is for ${LABEL} (${appId})`);
  check(plist.ExpirationDate instanceof Date && plist.ExpirationDate > new Date(), 'the provisioning profile has not expired');
}

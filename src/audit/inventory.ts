import { lstatSync, opendirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { EmondguardError, describeError } from '../errors.js';
import { PlistError, aPlistType, isPlistDict, readPlistFile, type PlistValue } from '../plist/index.js';
import { fileTypeName } from '../plist/read-regular-file.js';
import type { AuditBudget } from './audit-budget.js';
import { EMOND_CLIENTS_DIR, EMOND_CONFIG_PATH, EMOND_DEFAULT_RULES_DIR, onAuditedSystem } from './emond-locations.js';
import { interpretRulesPlist } from './emond-rule.js';
import type {
  ClientEntry,
  ClientsInventory,
  ConfigInventory,
  EmondInventory,
  FileFacts,
  RuleDirectoryInventory,
  RuleFileInventory,
} from './inventory-types.js';

/**
 * Collects everything emond would act on below `root`. Nothing here throws for a bad file: each
 * problem is recorded where it was found, so one broken plist never hides the others. Every file
 * read is bounded (`readPlistFile`: regular files only, a byte cap), every folder listing is
 * capped at `budget.maxEntries`, and once `budget` runs out of time the files not yet read are
 * counted in `incomplete` instead of read.
 */
export function inventoryEmond(root: string, budget: AuditBudget): EmondInventory {
  const config = inventoryConfig(root, budget);
  const ruleDirectories = ruleDirectoriesOf(root, config).map((dir) => inventoryDirectory(dir));
  const ruleFiles = ruleDirectories.flatMap((dir) => (dir.status === 'present' ? inventoryRuleFiles(dir, budget) : []));
  const clients = inventoryClients(root, budget);
  const inventory: EmondInventory = { root, config, ruleDirectories, ruleFiles, clients };
  if (budget.notAudited > 0) inventory.incomplete = { timeoutMs: budget.timeoutMs, notAudited: budget.notAudited };
  return inventory;
}

function inventoryConfig(root: string, budget: AuditBudget): ConfigInventory {
  const located = { path: EMOND_CONFIG_PATH, readPath: onAuditedSystem(root, EMOND_CONFIG_PATH) };
  const base: ConfigInventory = { ...located, status: 'absent', additionalRulesPaths: [], problems: [] };
  const facts = factsOf(located.readPath);
  if (facts === 'absent') return base;
  if (facts instanceof Error) return { ...base, status: 'unreadable', error: facts.message };
  if (budget.spent()) {
    budget.notAudited++;
    return { ...base, facts, status: 'unreadable', error: 'not read: the audit ran out of time' };
  }
  const parsed = parse(located.readPath);
  if ('error' in parsed) return { ...base, facts, status: parsed.status, error: parsed.error };
  const config: ConfigInventory = { ...base, facts, status: 'present', format: parsed.format };
  readAdditionalRulesPaths(parsed.value, config);
  return config;
}

/** `config.additionalRulesPaths`: extra folders emond loads rules from (Server.app used one). */
function readAdditionalRulesPaths(value: PlistValue, config: ConfigInventory): void {
  if (!isPlistDict(value)) {
    config.problems.push(`the file holds ${aPlistType(value)}, not a dict`);
    return;
  }
  const section = value.config;
  if (section === undefined) return;
  if (!isPlistDict(section)) {
    config.problems.push(`config is ${aPlistType(section)}, not a dict`);
    return;
  }
  const paths = section.additionalRulesPaths;
  if (paths === undefined) return;
  const list = Array.isArray(paths) ? paths : [paths];
  for (const entry of list) {
    if (typeof entry !== 'string') config.problems.push(`additionalRulesPaths holds ${aPlistType(entry)}`);
    else if (!path.posix.isAbsolute(entry)) config.problems.push(`additionalRulesPaths entry "${entry}" is not absolute`);
    else config.additionalRulesPaths.push(entry);
  }
}

function ruleDirectoriesOf(root: string, config: ConfigInventory): Omit<RuleDirectoryInventory, 'status'>[] {
  const seen = new Set<string>();
  const dirs: Omit<RuleDirectoryInventory, 'status'>[] = [];
  const add = (dir: string, origin: RuleDirectoryInventory['origin']) => {
    const normalized = path.posix.normalize(dir).replace(/(.)\/$/, '$1');
    if (seen.has(normalized)) return;
    seen.add(normalized);
    dirs.push({ path: normalized, readPath: onAuditedSystem(root, normalized), origin });
  };
  add(EMOND_DEFAULT_RULES_DIR, 'default');
  for (const dir of config.additionalRulesPaths) add(dir, 'additionalRulesPaths');
  return dirs;
}

function inventoryDirectory(dir: Omit<RuleDirectoryInventory, 'status'>): RuleDirectoryInventory {
  try {
    const stats = statSync(dir.readPath);
    return { ...dir, status: stats.isDirectory() ? 'present' : 'not-a-directory' };
  } catch (error) {
    if (isMissing(error)) return { ...dir, status: 'absent' };
    return { ...dir, status: 'unreadable', error: ioMessage(error) };
  }
}

function inventoryRuleFiles(dir: RuleDirectoryInventory, budget: AuditBudget): RuleFileInventory[] {
  let listing: Listing;
  try {
    listing = listFolder(dir.readPath, budget.maxEntries);
  } catch (error) {
    dir.status = 'unreadable';
    dir.error = ioMessage(error);
    return [];
  }
  if (listing.more) dir.truncatedAt = budget.maxEntries;
  const files: RuleFileInventory[] = [];
  for (const name of listing.names) {
    if (budget.spent()) budget.notAudited++;
    else files.push(inventoryRuleFile(dir, name));
  }
  return files;
}

interface Listing {
  /** Sorted; at most the cap. */
  names: string[];
  /** The folder held more entries than the cap. */
  more: boolean;
}

/**
 * The first `max` names of a folder (in the order the file system lists them, then sorted): a
 * folder of millions of planted entries costs the audit `max` entries, not all of them.
 */
function listFolder(dirPath: string, max: number): Listing {
  const dir = opendirSync(dirPath);
  const names: string[] = [];
  let more = false;
  try {
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
      if (names.length === max) {
        more = true;
        break;
      }
      names.push(entry.name);
    }
  } finally {
    dir.closeSync();
  }
  return { names: names.sort(), more };
}

function inventoryRuleFile(dir: RuleDirectoryInventory, name: string): RuleFileInventory {
  const file: RuleFileInventory = {
    path: path.posix.join(dir.path, name),
    readPath: path.join(dir.readPath, name),
    directory: dir.path,
    status: 'ok',
    problems: [],
    rules: [],
  };
  const facts = factsOf(file.readPath);
  if (facts === 'absent') return { ...file, status: 'unreadable', error: 'a symlink to nothing' };
  if (facts instanceof Error) return { ...file, status: 'unreadable', error: facts.message };
  file.facts = facts;
  const type = fileType(file.readPath);
  if (type !== 'a regular file') return { ...file, status: 'not-a-file', error: `not a regular file (${type})` };
  const parsed = parse(file.readPath);
  if ('error' in parsed) return { ...file, status: parsed.status, error: parsed.error };
  const { rules, problems } = interpretRulesPlist(parsed.value);
  return { ...file, format: parsed.format, rules, problems };
}

function inventoryClients(root: string, budget: AuditBudget): ClientsInventory {
  const located = { path: EMOND_CLIENTS_DIR, readPath: onAuditedSystem(root, EMOND_CLIENTS_DIR) };
  let listing: Listing;
  try {
    if (!statSync(located.readPath).isDirectory()) return { ...located, status: 'not-a-directory', entries: [] };
    listing = listFolder(located.readPath, budget.maxEntries);
  } catch (error) {
    if (isMissing(error)) return { ...located, status: 'absent', entries: [] };
    return { ...located, status: 'unreadable', entries: [], error: ioMessage(error) };
  }
  const entries: ClientEntry[] = [];
  for (const name of listing.names) {
    const entryPath = path.join(located.readPath, name);
    const facts = factsOf(entryPath, false);
    if (facts === 'absent' || facts instanceof Error) continue; // removed while we looked
    entries.push({ name, type: entryType(lstatSync(entryPath)), facts });
  }
  return { ...located, status: 'present', entries, ...(listing.more ? { truncatedAt: budget.maxEntries } : {}) };
}

/** What a path is once symlinks are followed (as emond would); only regular files are read. */
function fileType(filePath: string): string {
  try {
    const stats = statSync(filePath);
    return stats.isFile() ? 'a regular file' : fileTypeName(stats);
  } catch (error) {
    return ioMessage(error);
  }
}

function entryType(stats: Stats): ClientEntry['type'] {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  return 'other';
}

/** Size, times, owner and mode; following a symlink (as emond does) unless told not to. */
function factsOf(filePath: string, follow = true): FileFacts | 'absent' | Error {
  try {
    const link = lstatSync(filePath);
    const stats = follow && link.isSymbolicLink() ? statSync(filePath) : link;
    const facts: FileFacts = {
      size: stats.size,
      modified: stats.mtime.toISOString(),
      uid: stats.uid,
      gid: stats.gid,
      mode: `0${(stats.mode & 0o7777).toString(8).padStart(3, '0')}`,
    };
    if (link.isSymbolicLink()) facts.symlinkTarget = readlinkSync(filePath);
    return facts;
  } catch (error) {
    if (isMissing(error)) return 'absent';
    return new Error(ioMessage(error));
  }
}

type Parsed =
  | { format: 'xml' | 'binary'; value: PlistValue }
  | { status: 'malformed' | 'unreadable'; error: string };

function parse(readPath: string): Parsed {
  try {
    return readPlistFile(readPath);
  } catch (error) {
    // Messages without the read path: the report names the file itself.
    const message = describeError(error).replace(`${readPath}: `, '');
    if (error instanceof PlistError) return { status: 'malformed', error: message };
    if (error instanceof EmondguardError) return { status: 'unreadable', error: message };
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function ioMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}: ${describeError(error)}` : describeError(error);
}

import type { PlistFormat } from '../plist/index.js';
import type { EmondRule } from './emond-rule.js';

/** File facts an investigator wants next to each finding. */
export interface FileFacts {
  size: number;
  /** ISO-8601 modification time. */
  modified: string;
  uid: number;
  gid: number;
  /** Permission bits as octal text, e.g. `0644`. */
  mode: string;
  /** Where a symlink points (the audit follows it, as emond would). */
  symlinkTarget?: string;
}

/** Shared by every inventoried path: the path on the audited system and the one actually read. */
export interface Located {
  path: string;
  readPath: string;
}

export interface ConfigInventory extends Located {
  status: 'present' | 'absent' | 'malformed' | 'unreadable';
  format?: PlistFormat;
  facts?: FileFacts;
  additionalRulesPaths: string[];
  error?: string;
  problems: string[];
}

export interface RuleDirectoryInventory extends Located {
  origin: 'default' | 'additionalRulesPaths';
  status: 'present' | 'absent' | 'unreadable' | 'not-a-directory';
  error?: string;
  /** Set when the folder held more entries than the audit lists (the cap): only that many were read. */
  truncatedAt?: number;
}

export interface RuleFileInventory extends Located {
  directory: string;
  status: 'ok' | 'malformed' | 'unreadable' | 'not-a-file';
  format?: PlistFormat;
  facts?: FileFacts;
  error?: string;
  problems: string[];
  rules: EmondRule[];
}

export interface ClientEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  facts: FileFacts;
}

export interface ClientsInventory extends Located {
  status: 'present' | 'absent' | 'unreadable' | 'not-a-directory';
  entries: ClientEntry[];
  error?: string;
  /** Set when the folder held more entries than the audit lists (the cap). */
  truncatedAt?: number;
}

export interface EmondInventory {
  /** The audited system's root: `/`, a mounted volume, or a fixture tree. */
  root: string;
  config: ConfigInventory;
  ruleDirectories: RuleDirectoryInventory[];
  ruleFiles: RuleFileInventory[];
  clients: ClientsInventory;
  /** Set when the audit ran out of time: how many files were found but not read. */
  incomplete?: { timeoutMs: number; notAudited: number };
}

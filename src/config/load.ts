import { readFileSync } from 'node:fs';
import { defaultPaths, type AgentPaths } from './default-paths.js';
import { ConfigError } from './errors.js';
import { readManagedPreferences } from './managed-preferences.js';
import { resolveConfig, type ConfigLayer, type EffectiveConfig } from './resolve.js';

/**
 * Reads a property list file into plain values, or undefined when the file does not exist;
 * injected so this module stays free of plist parsing.
 */
export type PlistReader = (path: string) => unknown;

export interface LoadConfigOptions {
  /** An explicit `--config` file: it must exist. Without it the default file is used if present. */
  configPath?: string;
  /** Override of the MDM managed-preferences file (tests, and non-standard installs). */
  managedPreferencesPath?: string;
  paths?: AgentPaths;
  /** Reads the MDM plist; the real reader unless a test gives another. */
  readPlist?: PlistReader;
}

/** Defaults, then the JSON file, then MDM managed preferences — validated together. */
export function loadConfig(options: LoadConfigOptions = {}): EffectiveConfig {
  const paths = options.paths ?? defaultPaths();
  const file = options.configPath ? readJsonLayer(options.configPath, { required: true }) : readJsonLayer(paths.configFile, { required: false });
  const mdmPath = options.managedPreferencesPath ?? paths.managedPreferences;
  const mdm = readManagedPreferencesLayer(mdmPath, options.readPlist ?? readManagedPreferences);
  return resolveConfig({ file, mdm }, paths);
}

/** The JSON configuration file as a layer; null when it is optional and absent. */
export function readJsonLayer(path: string, { required }: { required: boolean }): ConfigLayer | null {
  const text = readText(path, required);
  if (text === null) return null;
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('E_CONFIG_SYNTAX', `${path} is not valid JSON: ${jsonErrorWhere(error, text)}. Fix the file, then check it with \`emondguard config check ${path}\`.`, [], { cause: error });
  }
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new ConfigError('E_CONFIG_SYNTAX', `${path} must hold one JSON object of settings, like {"retentionDays": 30}.`);
  }
  return { origin: `file ${path}`, values: values as Record<string, unknown> };
}

/**
 * The MDM layer. macOS writes the keys of a managed-preferences payload into this plist; MDMs
 * sometimes add their own Payload* bookkeeping keys, which are not settings.
 */
export function readManagedPreferencesLayer(path: string, readPlist: PlistReader): ConfigLayer | null {
  let values: unknown;
  try {
    values = readPlist(path);
  } catch (error) {
    throw new ConfigError('E_CONFIG_READ', `cannot read the MDM managed preferences ${path}: ${(error as Error).message}. Check the configuration profile your MDM deploys.`, [], { cause: error });
  }
  if (values === undefined) return null;
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new ConfigError('E_CONFIG_SYNTAX', `the MDM managed preferences ${path} must be a dictionary of settings.`);
  }
  return { origin: `MDM ${path}`, values: values as Record<string, unknown>, ignoreKey: (key) => key.startsWith('Payload') };
}

function readText(path: string, required: boolean): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (!required && isMissingFile(error)) return null;
    const reason = isMissingFile(error) ? 'it does not exist' : (error as Error).message;
    throw new ConfigError('E_CONFIG_READ', `cannot read the configuration file ${path}: ${reason}.`, [], { cause: error });
  }
}

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** JSON.parse says "at position N"; an administrator wants a line and a column. */
function jsonErrorWhere(error: unknown, text: string): string {
  const message = (error as Error).message;
  const position = /position (\d+)/.exec(message);
  if (!position) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}

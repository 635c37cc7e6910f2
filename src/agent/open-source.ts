import { realpathSync } from 'node:fs';
import os from 'node:os';
import type { AgentConfig, SourceSetting } from '../config/keys.js';
import type { ArgvCaps } from '../events/argv-caps.js';
import type { AgentLog } from '../logging/agent-logger.js';
import { EsClientError, type EsClientOptions, type NativeAddon } from '../native/addon.js';
import type { EventSource, SourceHandlers } from '../sources/event-source.js';
import type { EsloggerSource } from '../sources/eslogger-source.js';
import { NativeSource } from '../sources/native-source.js';
import { SimulatorDriver } from '../sources/simulator-driver.js';
import { AgentError } from './agent-errors.js';
import { resolveEmondPaths } from './emond-paths.js';

export interface SourceEnvironment {
  platform: NodeJS.Platform;
  /** macOS major version (13 = Ventura); undefined off macOS. */
  macosMajor: number | undefined;
  /** The native addon, or why it is not available. */
  addon: NativeAddon | null;
  addonProblem?: string;
  log: AgentLog;
}

export interface OpenedSource {
  source: EventSource;
  /** Set for the simulator: what injects events into it. */
  driver?: SimulatorDriver;
}

export function currentSourceEnvironment(addon: NativeAddon | null, addonProblem: string | undefined, log: AgentLog): SourceEnvironment {
  const darwinMajor = Number(os.release().split('.')[0]);
  return {
    platform: process.platform,
    // Darwin 22 is macOS 13; the offset has held since Darwin 20 / macOS 11.
    macosMajor: process.platform === 'darwin' && Number.isFinite(darwinMajor) ? darwinMajor - 9 : undefined,
    addon,
    ...(addonProblem === undefined ? {} : { addonProblem }),
    log,
  };
}

const ESLOGGER_TRADE_OFFS =
  'eslogger mode sees the same exec/fork/exit events, but its output is "not API" (it may change with any macOS update), ' +
  'it runs as a separate unprotected process, and the agent cannot mute itself in the kernel';

/**
 * Picks, builds and starts the event source the configuration asks for. `auto` on macOS is the
 * Endpoint Security addon, falling back to eslogger (macOS 13+) only when the binary is not
 * entitled; missing Full Disk Access or root is an error to fix, not a reason to fall back.
 */
export async function openSource(
  setting: SourceSetting,
  config: AgentConfig,
  env: SourceEnvironment,
  handlers: SourceHandlers,
): Promise<OpenedSource> {
  if (setting.startsWith('file:')) {
    // Loaded on use, like the eslogger source: the daemon on Endpoint Security never reads lines.
    const { FileSource } = await import('../sources/file-source.js');
    return started(new FileSource(setting.slice('file:'.length), argvCapsOf(config)), handlers);
  }
  switch (setting) {
    case 'eslogger':
      return started(await esloggerSource(config), handlers);
    case 'simulator':
      return startSimulator(config, env, handlers);
    case 'endpoint-security':
      if (env.platform !== 'darwin') throw notMacos();
      return started(new NativeSource(requireAddon(env), nativeOptions(config, emondPathsToWatch(config, env.log))), handlers);
    case 'auto':
      return startAuto(config, env, handlers);
  }
  throw new AgentError('E_AGENT_SOURCE', `unknown source ${String(setting)}`);
}

/**
 * The checks that need no source at all, done before the agent opens its database or log, so a
 * run that cannot work fails at once and leaves nothing behind.
 */
export function checkSourcePossible(setting: SourceSetting, env: Pick<SourceEnvironment, 'platform' | 'addon' | 'addonProblem'>): void {
  if ((setting === 'auto' || setting === 'endpoint-security') && env.platform !== 'darwin') throw notMacos();
  if (setting === 'simulator') {
    const addon = requireAddon(env);
    if (!addon.sim) throw noSimulator();
  }
}

async function startAuto(config: AgentConfig, env: SourceEnvironment, handlers: SourceHandlers): Promise<OpenedSource> {
  if (env.platform !== 'darwin') throw notMacos();
  if (env.addon) {
    const emondPaths = emondPathsToWatch(config, env.log);
    try {
      return await started(new NativeSource(env.addon, nativeOptions(config, emondPaths)), handlers);
    } catch (error) {
      if (!(error instanceof EsClientError && error.code === 'E_ES_NOT_ENTITLED')) throw error;
      return fallBackToEslogger(config, env, handlers, 'this binary is not entitled to Endpoint Security (com.apple.developer.endpoint-security.client)');
    }
  }
  return fallBackToEslogger(config, env, handlers, `the Endpoint Security addon is not available (${env.addonProblem ?? 'not built'})`);
}

async function fallBackToEslogger(config: AgentConfig, env: SourceEnvironment, handlers: SourceHandlers, reason: string): Promise<OpenedSource> {
  if (env.macosMajor !== undefined && env.macosMajor < 13) {
    throw new AgentError(
      'E_AGENT_NO_SOURCE',
      `${reason}, and eslogger needs macOS 13 or later (this is macOS ${env.macosMajor}). Install the signed emondguard bundle with its Endpoint Security entitlement.`,
    );
  }
  env.log.warn(`falling back to eslogger: ${reason}. ${ESLOGGER_TRADE_OFFS}. Deploy the entitled bundle to use Endpoint Security directly.`);
  return started(await esloggerSource(config), handlers);
}

function startSimulator(config: AgentConfig, env: SourceEnvironment, handlers: SourceHandlers): Promise<OpenedSource> {
  const addon = requireAddon(env);
  if (!addon.sim) throw noSimulator();
  const source = new NativeSource(addon, nativeOptions(config));
  const driver = new SimulatorDriver(addon.sim, () => source.delivered());
  driver.prepare();
  return started(source, handlers).then((opened) => ({ ...opened, driver }));
}

async function started(source: EventSource, handlers: SourceHandlers): Promise<OpenedSource> {
  await source.start(handlers);
  return { source };
}

/** The eslogger source and its line parsers, child-process handling and readers, loaded only when chosen. */
async function esloggerSource(config: AgentConfig): Promise<EsloggerSource> {
  const { EsloggerSource } = await import('../sources/eslogger-source.js');
  return new EsloggerSource({ path: config.esloggerPath, events: config.esEvents, argvCaps: argvCapsOf(config) });
}

/** The argv caps every source applies, from the configuration (the native addon gets the same three keys). */
export function argvCapsOf(config: Pick<AgentConfig, 'maxArgs' | 'maxArgBytes' | 'maxArgLength'>): ArgvCaps {
  return { maxArgs: config.maxArgs, maxArgBytes: config.maxArgBytes, maxArgLength: config.maxArgLength };
}

/**
 * emond-only mode watches processes by executable path, and Endpoint Security reports real paths
 * (`/private/tmp/emond`, never `/tmp/emond`): the configured paths are resolved here, each time the
 * source opens (start, and a restart after a configuration change). emond left macOS in 13, the
 * first version where the mode exists, so unless the administrator lists paths that exist, the
 * agent would run, look healthy and see nothing: refuse that, and warn about listed paths that are
 * missing. Returns the real paths to watch (the configured ones in full mode, where none are used).
 */
export function emondPathsToWatch(config: AgentConfig, log: AgentLog, realpath: (path: string) => string = realpathSync.native): string[] {
  if (config.esMode !== 'emond-only') return config.emondPaths;
  const { watched, missing, renamed } = resolveEmondPaths(config.emondPaths, realpath);
  if (missing.length === config.emondPaths.length) {
    throw new AgentError(
      'E_AGENT_EMOND_ONLY_BLIND',
      `esMode "emond-only" selects processes by executable path, and none of emondPaths (${config.emondPaths.join(', ')}) exists on this Mac ` +
        '(emond was removed in macOS 13): the agent would see nothing. Use esMode "full" (the default), or list in emondPaths the emond binaries to watch.',
    );
  }
  if (missing.length > 0) log.warn(`emond-only mode: ${missing.join(', ')} does not exist; watching ${watched.join(', ')}`);
  for (const { configured, real } of renamed) log.info(`emond-only mode: ${configured} is ${real}, the path Endpoint Security reports; watching that`);
  return watched;
}

function nativeOptions(config: AgentConfig, emondPaths: string[] = config.emondPaths): EsClientOptions {
  return {
    events: config.esEvents,
    batchSize: config.batchSize,
    batchLatencyMs: config.batchLatencyMs,
    queueCapacity: config.queueCapacity,
    maxArgs: config.maxArgs,
    maxArgBytes: config.maxArgBytes,
    maxArgLength: config.maxArgLength,
    queueMaxMB: config.queueMaxMB,
    mode: config.esMode,
    emondPaths,
  };
}

function requireAddon(env: Pick<SourceEnvironment, 'addon' | 'addonProblem'>): NativeAddon {
  if (env.addon) return env.addon;
  throw new AgentError('E_AGENT_NO_ADDON', env.addonProblem ?? 'the native addon is not available; build it with `npm run build:native`.');
}

function noSimulator(): AgentError {
  return new AgentError(
    'E_AGENT_NO_SIMULATOR',
    'the ES simulator exists only in builds against native/sim (Linux and other non-Apple hosts); on macOS use --source endpoint-security or eslogger.',
  );
}

function notMacos(): AgentError {
  return new AgentError(
    'E_AGENT_NOT_MACOS',
    'live monitoring needs macOS (Endpoint Security or eslogger), and this is ' +
      `${os.type()}. Here you can hunt in recorded traces with \`emondguard scan TRACE.ndjson\`, see the whole pipeline ` +
      'with `emondguard demo`, or develop against the ES simulator with `emondguard run --source simulator`.',
  );
}


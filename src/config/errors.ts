import { EmondguardError } from '../errors.js';

/** One thing wrong with one key of one configuration layer. */
export interface ConfigProblem {
  /** Where the value came from: a file path, or `MDM (path)`. */
  origin: string;
  key: string;
  /** What is wrong and the expected form, e.g. `expected a whole number from 1 to 3650, got "ninety"`. */
  problem: string;
}

/**
 * A configuration layer that cannot be used. Every problem is listed at once, so an administrator
 * fixes the file in one pass instead of one error per restart.
 */
export class ConfigError extends EmondguardError {
  readonly problems: readonly ConfigProblem[];

  constructor(code: 'E_CONFIG_INVALID' | 'E_CONFIG_READ' | 'E_CONFIG_SYNTAX', message: string, problems: ConfigProblem[] = [], options?: { cause?: unknown }) {
    super(code, message, options);
    this.problems = problems;
  }

  static invalid(problems: ConfigProblem[]): ConfigError {
    const lines = problems.map((p) => `  ${p.origin}: "${p.key}": ${p.problem}`);
    const noun = problems.length === 1 ? 'problem' : 'problems';
    return new ConfigError(
      'E_CONFIG_INVALID',
      `the configuration has ${problems.length} ${noun}:\n${lines.join('\n')}\n` +
        'Fix the values above (`emondguard config check FILE` validates a file; `emondguard config show` lists every key).',
      problems,
    );
  }
}

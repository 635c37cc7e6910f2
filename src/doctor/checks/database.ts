import path from 'node:path';
import type { Check } from '../check.js';
import type { FileInfo } from '../environment.js';

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/**
 * The alert database's folder and file: they exist (or can be created), belong to the user the
 * agent runs as (root in production), are closed to group and others (0700 folder, 0600 file —
 * alerts name users, hosts and command lines), and are writable.
 */
export const databaseCheck: Check = {
  id: 'database',
  title: 'Alert database path',
  async run({ env }) {
    const { path: dbPath, source } = env.databasePath();
    const dir = path.dirname(dbPath);
    const owner = env.uid ?? 0;
    const who = owner === 0 ? 'root:wheel' : `uid ${owner}`;
    const details = { path: dbPath, source };
    const dirInfo = env.fs.stat(dir);
    if (!dirInfo) {
      return { status: 'warn', summary: `${dir} does not exist yet`, fix: `the agent creates it on first start; to create it now: sudo mkdir -m 700 -p "${dir}"`, details };
    }
    if (!dirInfo.isDirectory) return { status: 'fail', summary: `${dir} is not a folder`, fix: `move it away, or set EMONDGUARD_DB to another path`, details };
    const problems = [...ownershipProblems(dir, dirInfo, owner, 0o700), ...(env.fs.canWrite(dir) ? [] : [`${dir} is not writable`])];
    const fixes = [`sudo chown ${who} "${dir}" && sudo chmod 700 "${dir}"`];
    const fileInfo = env.fs.stat(dbPath);
    if (fileInfo) {
      if (!fileInfo.isFile) problems.push(`${dbPath} is not a file`);
      problems.push(...ownershipProblems(dbPath, fileInfo, owner, 0o600));
      if (!env.fs.canWrite(dbPath)) problems.push(`${dbPath} is not writable`);
      fixes.push(`sudo chown ${who} "${dbPath}" && sudo chmod 600 "${dbPath}"`);
    }
    if (problems.length > 0) return { status: 'fail', summary: problems.join('; '), fix: fixes.join('; '), details };
    const state = fileInfo ? `${octal(fileInfo.mode)}, in a ${octal(dirInfo.mode)} folder` : `not created yet; its ${octal(dirInfo.mode)} folder is ready`;
    return { status: 'pass', summary: `${dbPath} (${source}): ${state}`, details };
  },
};

function ownershipProblems(target: string, info: FileInfo, owner: number, mode: number): string[] {
  const problems: string[] = [];
  if (info.uid !== owner) problems.push(`${target} belongs to uid ${info.uid}, not ${owner}`);
  if ((info.mode & 0o077) !== 0) problems.push(`${target} has mode ${octal(info.mode)}; group and others must have no access (${octal(mode)})`);
  return problems;
}

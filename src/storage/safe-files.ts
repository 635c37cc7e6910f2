import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EmondguardError } from '../errors.js';

/**
 * The one way emondguard opens, creates and renames files, so that root cannot be steered by what
 * another user planted in a directory first (DESIGN §11, docs/SECURITY.md "Files root touches"):
 *
 * - a symlink owned by someone other than the caller (or root) that sits in a directory someone
 *   else can write to is never followed — Linux's protected_symlinks, enforced here by walking the
 *   path with lstat, because macOS has no such protection;
 * - the last component is opened with O_NOFOLLOW (and O_NONBLOCK, so a planted FIFO cannot hang
 *   the open) and the descriptor, not the path, is checked: a regular file, the caller's, one link;
 * - new files are created with O_EXCL; temporary ones get an unpredictable name in the target's
 *   directory and are renamed into place.
 *
 * Every check takes the caller's uid (default: the effective uid), so tests can play "a file owned
 * by another user" as root and as an ordinary user. Codes start with E_IO: the CLI exits 2.
 */

export type SafeFileErrorCode =
  /** A symlink another user owns, in a directory others can write to. */
  | 'E_IO_UNSAFE_SYMLINK'
  /** The file is not a regular file, belongs to someone else or has other hard links. */
  | 'E_IO_UNSAFE_FILE'
  /** One of the daemon's own directories is not the caller's, or is writable by group or others. */
  | 'E_IO_UNSAFE_DIR';

export class SafeFileError extends EmondguardError {
  declare readonly code: SafeFileErrorCode;

  constructor(code: SafeFileErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The effective uid, or -1 where there is none (Windows): then no file is anybody's. */
export function currentUid(): number {
  return typeof process.geteuid === 'function' ? process.geteuid() : -1;
}

/** Root is trusted by everyone; the caller trusts itself. */
function trusted(owner: number, uid: number): boolean {
  return owner === uid || owner === 0;
}

/** Someone other than the caller (and root) can add or replace entries in this directory. */
export function openToOthers(dir: fs.Stats, uid: number): boolean {
  return (dir.mode & 0o022) !== 0 || !trusted(dir.uid, uid);
}

const MAX_SYMLINKS = 32;

/**
 * The path with every symlink resolved, refusing one the caller must not follow. Components that
 * do not exist yet are appended as given (the caller creates them). Only lstat and readlink are
 * used: nothing is opened on the way.
 */
export function resolveTrusted(file: string, uid: number = currentUid()): string {
  const pending = path.resolve(file).split(path.sep).filter((part) => part !== '');
  let current = path.parse(path.resolve(file)).root;
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const candidate = path.join(current, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path.join(candidate, ...pending);
      throw error;
    }
    if (!stat.isSymbolicLink()) {
      current = candidate;
      continue;
    }
    if (!trusted(stat.uid, uid) && openToOthers(fs.lstatSync(current), uid)) {
      throw new SafeFileError(
        'E_IO_UNSAFE_SYMLINK',
        `${candidate} is a symlink owned by uid ${stat.uid} in ${current}, a directory others can write to; ` +
          'it was not followed (it could point anywhere root can write). Remove it, or give the real path instead',
      );
    }
    if (++hops > MAX_SYMLINKS) throw new SafeFileError('E_IO_UNSAFE_SYMLINK', `${file}: too many levels of symlinks`);
    const target = fs.readlinkSync(candidate);
    if (path.isAbsolute(target)) current = path.parse(target).root;
    pending.unshift(...target.split(path.sep).filter((part) => part !== ''));
  }
  return current;
}

/** Why a descriptor is not a file the caller may use, or undefined when it is. */
function descriptorProblem(stat: fs.Stats, uid: number, anyOwner = false): string | undefined {
  if (!stat.isFile()) return 'is not a regular file';
  if (anyOwner) return undefined;
  if (stat.uid !== uid) return `belongs to uid ${stat.uid}, not to the caller (uid ${uid})`;
  if (stat.nlink !== 1) return `has ${stat.nlink} hard links (another name could be someone else's file)`;
  return undefined;
}

/** Closes `fd` and throws unless it is a regular file of the caller's with one link. */
export function checkDescriptor(fd: number, file: string, uid: number = currentUid(), anyOwner = false): fs.Stats {
  const stat = fs.fstatSync(fd);
  const problem = descriptorProblem(stat, uid, anyOwner);
  if (problem === undefined) return stat;
  fs.closeSync(fd);
  throw unsafeFile(file, problem);
}

function unsafeFile(file: string, problem: string, cause?: unknown): SafeFileError {
  return new SafeFileError(
    'E_IO_UNSAFE_FILE',
    `${file} ${problem}; it was left untouched. Remove it or choose another path`,
    cause === undefined ? undefined : { cause },
  );
}

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY, O_RDWR, O_APPEND } = fs.constants;
/** O_NOCTTY where the platform has it: a planted terminal device never becomes ours. */
const O_NOCTTY = fs.constants.O_NOCTTY ?? 0;
const SAFE = O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;

export type SafeAccess = 'read' | 'append' | 'readwrite';

const ACCESS_FLAGS: Record<SafeAccess, number> = { read: O_RDONLY, append: O_WRONLY | O_APPEND, readwrite: O_RDWR };

export interface SafeOpenOptions {
  /** The caller's uid (default: the effective uid). */
  uid?: number;
  /** Create the file (O_EXCL, `mode`) when it is missing; default false. */
  create?: boolean;
  /** Mode of a created file, set exactly (the umask does not apply). */
  mode?: number;
  /** Directories created for a new file get this mode (default 0700). */
  dirMode?: number;
  /**
   * Reads only: accept a regular file of any owner (root reading a user's `~/hunt.db`). Symlinks
   * are still resolved by the rule above, and FIFOs and devices still refused.
   */
  anyOwner?: boolean;
}

export interface SafeOpened {
  fd: number;
  /** The real path that was opened (symlinks resolved). */
  path: string;
  stat: fs.Stats;
  created: boolean;
}

/**
 * Opens `file` without following anything planted: trusted symlinks resolved first, the last
 * component opened O_NOFOLLOW, the descriptor checked. Missing files are created O_EXCL when
 * `create` is set. Throws SafeFileError, or the errno error (ENOENT…) of a plain open.
 */
export function openSafely(file: string, access: SafeAccess, options: SafeOpenOptions = {}): SafeOpened {
  const uid = options.uid ?? currentUid();
  const real = resolveTrusted(file, uid);
  const flags = ACCESS_FLAGS[access] | SAFE;
  if (options.create) {
    makeDirectory(path.dirname(real), options.dirMode ?? 0o700, uid);
    const mode = options.mode ?? 0o600;
    try {
      const fd = fs.openSync(real, flags | O_CREAT | O_EXCL, mode);
      // The umask filters open's mode: set the one asked for.
      fs.fchmodSync(fd, mode);
      return { fd, path: real, stat: fs.fstatSync(fd), created: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  let fd: number;
  try {
    fd = fs.openSync(real, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ELOOP: a symlink appeared after the walk; ENXIO: a FIFO nobody reads (O_WRONLY|O_NONBLOCK).
    if (code === 'ELOOP' || code === 'EMLINK') throw unsafeFile(real, 'is a symlink', error);
    if (code === 'ENXIO' || code === 'EOPNOTSUPP' || code === 'ENODEV') throw unsafeFile(real, 'is not a regular file', error);
    throw error;
  }
  return { fd, path: real, stat: checkDescriptor(fd, real, uid, access === 'read' && options.anyOwner === true), created: false };
}

/**
 * Lstat of a path that must be the caller's regular file if it exists (a companion such as a
 * database's -wal): undefined when missing, throws when it is anything else.
 */
export function lstatOwnFile(file: string, uid: number = currentUid()): fs.Stats | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (stat.isSymbolicLink()) throw unsafeFile(file, 'is a symlink');
  const problem = descriptorProblem(stat, uid);
  if (problem !== undefined) throw unsafeFile(file, problem);
  return stat;
}

/**
 * Creates `dir` and its missing parents with `mode` (set exactly on each one made). Existing
 * directories are left as they are (a shared /tmp or home is not ours to tighten); a component
 * that exists but is not a directory fails as mkdir would.
 */
export function makeDirectory(dir: string, mode: number, uid: number = currentUid()): void {
  const real = resolveTrusted(dir, uid);
  const missing: string[] = [];
  for (let at = real; !fs.existsSync(at); at = path.dirname(at)) missing.unshift(at);
  for (const made of missing) {
    try {
      fs.mkdirSync(made, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      continue; // made meanwhile by someone else: the checks of whoever uses it apply
    }
    fs.chmodSync(made, mode);
  }
}

/**
 * One of the daemon's own directories (data, logs, status): refuses one that belongs to someone
 * other than the caller, or that group or others can write to, naming the fix. A missing one is
 * created with `mode`.
 */
export function ensureOwnDirectory(dir: string, mode: number, uid: number = currentUid()): string {
  makeDirectory(dir, mode, uid);
  const real = resolveTrusted(dir, uid);
  const stat = fs.lstatSync(real);
  const owner = uid === 0 ? 'root' : `uid ${uid}`;
  if (!stat.isDirectory()) throw new SafeFileError('E_IO_UNSAFE_DIR', `${dir} is not a directory; remove it so the agent can create its directory there`);
  if (stat.uid !== uid || (stat.mode & 0o022) !== 0) {
    const octal = (stat.mode & 0o7777).toString(8).padStart(4, '0');
    throw new SafeFileError(
      'E_IO_UNSAFE_DIR',
      `${dir} (owner uid ${stat.uid}, mode ${octal}) must belong to ${owner} and not be writable by group or others, ` +
        `or someone else could replace the agent's files in it. Fix: sudo chown ${uid === 0 ? 'root:wheel' : uid} '${dir}' && sudo chmod go-w '${dir}' ` +
        '(or remove it, and the agent creates it)',
    );
  }
  return real;
}

/**
 * Writes `content` to a new file with an unpredictable name (O_EXCL) in the target's directory,
 * then renames it over `file`: a reader never sees half a file, and nothing planted at a guessable
 * temporary name is written through. The target itself, if it exists, must not be a symlink or
 * someone else's (rename would replace a link, but the check keeps the rule in one place).
 */
export function writeFileAtomically(file: string, content: string | Buffer, options: { mode?: number; uid?: number; dirMode?: number } = {}): void {
  const uid = options.uid ?? currentUid();
  const real = resolveTrusted(file, uid);
  lstatOwnFile(real, uid);
  const temporary = temporaryName(real);
  const opened = openSafely(temporary, 'append', { uid, create: true, mode: options.mode ?? 0o600, dirMode: options.dirMode ?? 0o700 });
  if (!opened.created) {
    fs.closeSync(opened.fd);
    throw unsafeFile(temporary, 'already existed');
  }
  try {
    try {
      fs.writeFileSync(opened.fd, content);
    } finally {
      fs.closeSync(opened.fd);
    }
    fs.renameSync(opened.path, real);
  } catch (error) {
    fs.rmSync(opened.path, { force: true });
    throw error;
  }
}

/** `<file>.<16 random hex>.tmp`, beside the file. */
export function temporaryName(file: string): string {
  return `${file}.${randomBytes(8).toString('hex')}.tmp`;
}

/**
 * Renames `from` to `to` without replacing anything at `to` (a hard link is atomic and fails if
 * the name exists; the old name is then removed). Returns false when `to` exists. Where links are
 * not supported, falls back to a checked rename.
 */
export function renameNoReplace(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw error;
    if (fs.existsSync(to) || isLink(to)) return false;
    fs.renameSync(from, to);
    return true;
  }
  fs.unlinkSync(from);
  return true;
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

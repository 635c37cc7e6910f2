/** A path or word as it can be pasted into a POSIX shell: as is when safe, else single-quoted. */
export function shellQuoted(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * `emondguard … | head` closes the pipe early. Without a listener, the EPIPE that the next write
 * raises is an uncaught 'error' event: a stack trace, exit 1, and a command (demo, scan --db) cut
 * off before it finished storing its alerts. With this, output past that point is dropped and the
 * command completes its work; commands that must know (scan, the alerts writers) listen as well.
 */
export function dropOutputWhenReaderGoes(stream: NodeJS.WriteStream = process.stdout): void {
  let readerGone = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') readerGone = true;
    // Writes after the pipe closed fail as "destroyed": expected once the reader is gone.
    if (readerGone) return;
    process.stderr.write(`emondguard: cannot write to standard output: ${error.message}\n`);
    process.exitCode = 2;
  });
}

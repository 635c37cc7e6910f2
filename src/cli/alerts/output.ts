/**
 * Writes to stdout respecting back-pressure, so `alerts export` of a million alerts into a slow
 * pipe keeps memory flat, and stops quietly when the reader goes away (`| head`).
 */
export class Output {
  private closed = false;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') this.closed = true;
      else throw error;
    });
  }

  get gone(): boolean {
    return this.closed;
  }

  async write(text: string): Promise<void> {
    if (this.closed || text === '') return;
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('error', done);
      });
    }
  }
}

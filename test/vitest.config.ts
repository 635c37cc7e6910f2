import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  test: {
    root,
    include: ['test/**/*.test.ts'],
    // Native tests load the addon; forks isolate a crash or a stuck thread to one worker.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});

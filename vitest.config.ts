import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each run gets its own TMPDIR and fails when a test file leaves binnenuit-* entries in it.
    globalSetup: ['test/support/global-setup.ts'],
    // PGlite start-up and migrations take seconds, not milliseconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each run gets its own TMPDIR and fails when a test file leaves binnenuit-* entries in it.
    globalSetup: ['test/support/global-setup.ts'],
    // Test files share their worker's modules instead of importing everything again: importing
    // took a third of the suite's time, and the migrated PGlite template (test/support/db.ts) is
    // then built once per worker, not once per file. No test relies on fresh module state (no
    // vi.mock, no fake timers, no environment changes).
    isolate: false,
    // Two files at a time on the 2-core CI machine (vitest's default there is one): many tests
    // wait on child processes, servers and timers rather than on the CPU.
    maxWorkers: 2,
    // PGlite start-up and migrations take seconds, not milliseconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

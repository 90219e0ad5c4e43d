import { defineConfig } from 'vitest/config';

// Tests mirror the source tree under test/. Browser and reliability suites start real
// processes and servers, so they get generous timeouts; nothing here asserts a timing.
// The index of data/ that most tests read is built once per run, before any file starts
// (test/global-setup.ts), not once in every test file.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

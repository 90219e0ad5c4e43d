import { defineConfig } from 'vitest/config';

// Tests mirror the source tree under test/. Browser and reliability suites start real
// processes and servers, so they get generous timeouts; nothing here asserts a timing.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    allowOnly: process.env['CI'] !== 'true',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

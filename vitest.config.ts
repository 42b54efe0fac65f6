import { defineConfig } from 'vitest/config';

// unit: pure logic, no sockets or databases beyond a temp SQLite file; fast, for the inner loop.
// integration: real databases (SQLite and PostgreSQL), real sockets, real child processes.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * Integration files that start no simulator and no agent (nothing on the WS-Discovery multicast group). One vitest
 * run queues every file without parallelism together, so both groups still run one file at a time (see
 * docs/decisions.md, "The suite's two queues"). A new file belongs to the "lan" group unless it is listed here.
 */
const OFF_LAN = [
  'alerts',
  'archive',
  'backup',
  'grid-cache',
  'link',
  'monitoring',
  'object-store',
  'overload',
  'picture-lifecycle',
  'rbac',
  'redis-subscriber',
  'reliability',
  'security',
  'users',
].map((f) => `test/integration/${f}.test.ts`);

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{protocol,agents,simulator,server}/src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'dashboard',
          include: ['dashboard/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: OFF_LAN,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'lan',
          include: ['test/integration/**/*.test.ts', 'test/chaos/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          exclude: OFF_LAN,
          // simulators and agents share the WS-Discovery multicast group on lo: one file at a time
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config'

/** The fault suite loads the machine on purpose (floods, full disks): it runs alone, after the rest. */
const FAULT_SUITE = 'test/e2e/chaos-short.test.ts'

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'hearth', include: ['test/**/*.test.ts'], exclude: [FAULT_SUITE], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'faults', include: [FAULT_SUITE], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
})

/** Test projects: see docs/architecture.md §Tests. Each runs real code, never a fake SDK. */
const tsTransform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
};
const base = { rootDir: __dirname, transform: tsTransform, testEnvironment: 'node' };

module.exports = {
  projects: [
    { ...base, displayName: 'emulator', testMatch: ['<rootDir>/test/emulator/**/*.test.ts'] },
    { ...base, displayName: 'cloud', testMatch: ['<rootDir>/test/cloud/**/*.test.ts'] },
    {
      ...base,
      displayName: 'miniprogram',
      testEnvironment: 'jsdom',
      transform: {
        '^.+\\.ts$': [
          'ts-jest',
          { tsconfig: '<rootDir>/miniprogram/tsconfig.json', diagnostics: false },
        ],
      },
      testMatch: ['<rootDir>/test/miniprogram/**/*.test.ts'],
    },
    {
      // The browser preview's building blocks (preview/runtime: built-in components, the wx
      // shim, the page stack; scripts/preview/wxss.mjs, the WXSS scoping) in jsdom, without a
      // build or Chromium.
      ...base,
      displayName: 'preview',
      testEnvironment: 'jsdom',
      transform: {
        '^.+\\.ts$': [
          'ts-jest',
          { tsconfig: '<rootDir>/test/preview/tsconfig.json', diagnostics: false },
        ],
        '^.+\\.mjs$': '<rootDir>/test/helpers/mjs-transform.cjs',
      },
      testMatch: ['<rootDir>/test/preview/**/*.test.ts'],
    },
    {
      // The real mini-program in Chromium (browser preview) against the built functions and
      // the demo seed: one emulator per file, fresh data. Needs `bash scripts/ensure-chromium.sh`.
      ...base,
      displayName: 'e2e',
      roots: ['<rootDir>/test/e2e'],
      // The emulator process helper is shared with scripts/screenshots.mjs.
      transform: { ...tsTransform, '^.+\\.mjs$': '<rootDir>/test/helpers/mjs-transform.cjs' },
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test/e2e/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/helpers/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/e2e/helpers/setup-timeout.ts'],
      slowTestThreshold: 30,
    },
  ],
};

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
  ],
};

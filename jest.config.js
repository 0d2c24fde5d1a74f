// Jest runs the compiled tests (tsc -b writes them; no transform, so no second compiler).
// Three projects, picked by scripts/run-tests.mjs (--unit, --integration, --e2e):
//   unit         *.test.js in packages/*/dist-test and services/*/dist-test: in-process only,
//                no servers, no child processes; the whole tier runs in well under a minute.
//   integration  *.integration.test.js next to the code: they start real processes or servers
//                (Redis, FerretDB, SQL servers, Podman, HTTP/gRPC servers, step scripts).
//   e2e          test/dist: cross-service suites, each file starts its own hermetic stack.

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {},
  // Compiled output only: the TypeScript sources next to it are not tests for Jest.
  moduleFileExtensions: ['js', 'json', 'node'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/packages', '<rootDir>/services'],
      testMatch: ['**/dist-test/**/*.test.js'],
      testPathIgnorePatterns: ['/node_modules/', '\\.integration\\.test\\.js$'],
      // Refuses child processes and listening sockets, so the tier stays in-process.
      testEnvironment: '<rootDir>/scripts/jest/unit-environment.js',
      setupFilesAfterEnv: ['<rootDir>/scripts/jest/timeout-unit.js'],
    },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/packages', '<rootDir>/services'],
      testMatch: ['**/dist-test/**/*.integration.test.js'],
      setupFilesAfterEnv: ['<rootDir>/scripts/jest/timeout-slow.js'],
    },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/test/dist'],
      testMatch: ['**/*.test.js'],
      setupFilesAfterEnv: ['<rootDir>/scripts/jest/timeout-slow.js'],
    },
  ],
};

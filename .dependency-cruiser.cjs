/**
 * Import boundaries (docs/architecture.md, Where to look): a service may import packages, never another
 * service; packages never import services; no import cycles anywhere; generated
 * proto code is imported through @baton/proto's entry point only.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-service-to-service',
      comment: 'A service calls another service over gRPC; it never imports its code.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'no-package-to-service',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^services/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-deep-imports',
      comment: 'Import another package by its name (its entry points), not by a path into it.',
      severity: 'error',
      from: { path: '^(packages|services)/([^/]+)/src/' },
      to: { path: '^packages/([^/]+)/src/', pathNot: '^packages/$2/src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|dist-test|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.base.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
  },
};

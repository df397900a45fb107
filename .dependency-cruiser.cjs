/**
 * The house's nevers, checked by `npm run lint` (dependency-cruiser). Each rule names what it keeps apart;
 * the layers are described in the README's "Layout".
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain is pure logic: it imports nothing of the other layers, and no package but the tar reader of the .mmp format.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '(^|/)node_modules/tar-stream/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'no-http-below-the-api',
      comment: 'Use cases, stores and jobs know no HTTP: no Fastify, no route code.',
      severity: 'error',
      from: { path: '^src/(services|store|jobs)/' },
      to: { path: ['^src/api/', '(^|/)node_modules/(fastify|@fastify)/'] },
    },
    {
      name: 'jobs-run-handlers-only',
      comment: 'src/jobs is the queue and the runner: the use cases give it handlers, it does not import them.',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/services/' },
    },
    {
      name: 'console-imports-declared-types-only',
      comment: 'The browser bundle imports no server code except the declared wire contract.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: '^src/api/contract/' },
    },
    {
      name: 'cli-client-imports-declared-types-only',
      comment: 'The CLI client talks HTTP to a server: it imports no server code except the declared wire contract.',
      severity: 'error',
      from: { path: '^src/cli/client/' },
      to: { path: '^src/', pathNot: ['^src/cli/', '^src/api/contract/'] },
    },
    {
      name: 'routes-call-services',
      comment: 'Routes call use cases (src/services) or read the context; they never build repositories themselves.',
      severity: 'error',
      from: { path: '^src/api/routes/' },
      to: { path: '^src/store/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes the layers meaningless.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
    exclude: { path: ['^dist/', '^web/dist/'] },
  },
};

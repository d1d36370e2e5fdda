/**
 * The dependency direction of the project (see README.md, "Packages"):
 *   apps -> adapters / libraries; libraries never pick a backend;
 *   vq never imports transfer-net (it owns the CodebookSource interface).
 */
const LIBS = '^packages/(core|prior|transfer-net|vq|transformer)/';

module.exports = {
  forbidden: [
    {
      name: 'library-imports-backend',
      comment: 'Library packages depend on @tensorflow/tfjs-core only; backends are chosen by the adapters and apps.',
      severity: 'error',
      from: { path: `${LIBS}src/`, pathNot: '\\.(test|spec|bench)\\.ts$|/test/|/bench/' },
      to: { path: '(@tensorflow/tfjs-(node|node-gpu|backend-[a-z]+|layers|converter)|@tensorflow/tfjs$|packages/backend-)' },
    },
    {
      name: 'library-imports-tfjs-umbrella',
      comment: 'Import @tensorflow/tfjs-core, never the @tensorflow/tfjs umbrella (it registers backends).',
      severity: 'error',
      from: { path: `${LIBS}src/` },
      to: { path: 'node_modules/@tensorflow/tfjs/' },
    },
    {
      name: 'vq-imports-transfer-net',
      comment: '@vqct/vq owns CodebookSource; @vqct/transfer-net satisfies it structurally.',
      severity: 'error',
      from: { path: '^packages/vq/' },
      to: { path: '(^packages/transfer-net/|@vqct/transfer-net)' },
    },
    {
      name: 'library-imports-app',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'adapter-imports-library',
      comment: 'Adapters are thin: they know tfjs backends, not the model.',
      severity: 'error',
      from: { path: '^packages/backend-(node|web)/src/', pathNot: '\\.(test|spec|bench)\\.ts$|/test/|/bench/' },
      to: { path: '^packages/(prior|transfer-net|vq|transformer)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(/dist/|node_modules|\\.turbo)' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};

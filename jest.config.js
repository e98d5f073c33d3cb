// Nest 12 ships ESM only: jest's CommonJS loader cannot require it on Node 20, so @swc/jest
// transforms those packages (and their ESM dependencies) to CommonJS along with our sources.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // content-disposition (under @fastify/static, which serves the OpenAPI page on Fastify) is ESM too.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|nestjs-pino|@willsoto|jose|@fastify/static/node_modules/content-disposition|content-disposition)/)'],
  moduleNameMapper: { '^@app/([a-z-]+)(/.*)?$': '<rootDir>/libs/$1/src$2' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // Decorator metadata (class-transformer, Nest) needs the polyfill before any contract loads.
  setupFiles: ['reflect-metadata'],
};
module.exports = {
  // Applies to every project (jest ignores testTimeout inside a project); system tests set their own.
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/deploy/**/*.spec.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/test/**/*.int-spec.ts', '<rootDir>/test/integration/**/*.int-spec.ts'], },
    { ...shared, displayName: 'system', testMatch: ['<rootDir>/test/system/**/*.sys-spec.ts'], },
  ],
};

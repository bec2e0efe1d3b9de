/** One jest run for the whole workspace: unit tests beside the code, integration and e2e tests in test/ and e2e/. */
const transform = {
  "^.+\\.ts$": [
    "@swc/jest",
    {
      jsc: {
        parser: { syntax: "typescript", decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: false, useDefineForClassFields: false },
        target: "es2022",
      },
      module: { type: "commonjs" },
    },
  ],
};

const common = { transform, testEnvironment: "node", moduleFileExtensions: ["ts", "js", "json"] };
// The projects that use RabbitMQ start by deleting what killed runs left there (once per project).
const broker = { globalSetup: "<rootDir>/packages/test-datastores/src/jest-global-setup.ts" };

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  reporters: ["default", "<rootDir>/scripts/jest-summary-reporter.js"],
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: [
        "<rootDir>/packages/*/src/**/*.test.ts",
        "<rootDir>/subgraphs/*/src/**/*.test.ts",
        "<rootDir>/router/src/**/*.test.ts",
        "<rootDir>/scripts/lint/**/*.test.ts",
        "<rootDir>/scripts/*.test.ts",
      ],
    },
    {
      ...common,
      ...broker,
      displayName: "integration",
      testMatch: [
        "<rootDir>/packages/*/test/**/*.int.test.ts",
        "<rootDir>/subgraphs/*/test/**/*.int.test.ts",
        "<rootDir>/router/test/**/*.int.test.ts",
      ],
    },
    {
      ...common,
      // Container and Kubernetes manifests (docker-compose.yml, k8s/): rendered and checked offline.
      displayName: "deploy",
      testMatch: ["<rootDir>/scripts/k8s/**/*.test.ts"],
    },
    {
      ...common,
      ...broker,
      displayName: "e2e",
      testMatch: ["<rootDir>/e2e/**/*.e2e.test.ts"],
    },
    {
      ...common,
      // On the local Kubernetes cluster (scripts/k8s/cluster/test.sh deploys and forwards first):
      // the smoke suite through the cluster's router, NetworkPolicy and Pod Security probes, and
      // rollouts and restarts. Not part of the other projects' runs: `pnpm test:cluster`.
      displayName: "cluster",
      testMatch: ["<rootDir>/e2e/cluster/**/*.cluster.test.ts", "<rootDir>/e2e/smoke.e2e.test.ts"],
    },
    {
      ...common,
      ...broker,
      // Restarts the shared PostgreSQL, RabbitMQ and MongoDB server: `pnpm test` runs it last, alone, in band.
      displayName: "faults",
      testMatch: ["<rootDir>/e2e/faults/**/*.faults.test.ts"],
    },
  ],
};

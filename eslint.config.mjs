import { readdirSync } from "node:fs";
import path from "node:path";
import js from "@eslint/js";
import importX, { createNodeResolver } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

// The boundaries between workspace packages: each is used through its public face (its
// package.json "exports"), and subgraphs never depend on one another (they talk through the
// router and events).
const internals = {
  group: ["@cartograph/*/src", "@cartograph/*/src/**", "@cartograph/*/test", "@cartograph/*/test/**"],
  message:
    'Import the package\'s public face (its index or an entry of its package.json "exports"), not its internals.',
};
const subgraphs = readdirSync(path.join(import.meta.dirname, "subgraphs"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => `@cartograph/${entry.name}`);
const otherSubgraphs = {
  group: subgraphs.flatMap((name) => [name, `${name}/**`]),
  message: "A subgraph never imports another subgraph: share a contract through packages/ or an event.",
};

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      ".local/**",
      "packages/client/src/generated/**",
      "**/drizzle/**",
      "coverage/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json"] })] },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      // type-graphql's decorators reference types at runtime (`() => User`): a type-only import would break them.
      "@typescript-eslint/consistent-type-imports": "off",
      "@typescript-eslint/no-unsafe-function-type": "off",
      // A relative path into another workspace package (`../../packages/x/src/y`) skips its public face.
      "import-x/no-relative-packages": "error",
      "no-restricted-imports": ["error", { patterns: [internals] }],
    },
  },
  {
    files: ["subgraphs/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [internals, otherSubgraphs],
          // Ours also declares the rule in the schema, where the router enforces it.
          paths: [
            {
              name: "type-graphql",
              importNames: ["Authorized"],
              message: "Use Authorized from @cartograph/service-kit/graphql.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: {
      globals: { module: "writable", require: "readonly", __dirname: "readonly", process: "readonly" },
    },
  },
);

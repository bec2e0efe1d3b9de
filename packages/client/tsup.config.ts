import { copyFileSync } from "node:fs";
import { defineConfig } from "tsup";

/**
 * The published build (`pnpm build`, and `pnpm pack` through prepack): ESM and CommonJS with
 * bundled declarations for each entry. The workspace itself runs the TypeScript sources (see the
 * README's "Working on it"); only the packed package uses dist/.
 */
export default defineConfig({
  entry: {
    index: "src/index.ts",
    documents: "src/generated/documents.ts",
    // Operation name -> trusted document id, for clients other than the SDK (a browser app on urql).
    "trusted-document-ids": "src/generated/trusted-document-ids.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  // Also for CommonJS: one copy of the documents shared by both entries (object identity matters
  // to Apollo's and urql's caches, and to bundle size).
  splitting: true,
  target: "node20",
  platform: "neutral",
  // graphql must stay one instance with the application's (peer); graphql-ws is a dependency.
  external: ["graphql", "graphql-ws"],
  onSuccess: async () => {
    copyFileSync("src/generated/trusted-documents.json", "dist/trusted-documents.json");
  },
});

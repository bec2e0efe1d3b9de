import { spawnSync } from "node:child_process";
import path from "node:path";

const repoRoot = path.resolve(__dirname, "../..");

/** What `pnpm lint` says of this code at this path (the file need not exist). */
function lint(file: string, code: string): string[] {
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, "node_modules/eslint/bin/eslint.js"), "--stdin", "--stdin-filename", file, "--format", "json"],
    { cwd: repoRoot, input: code, encoding: "utf8", timeout: 60_000 },
  );
  const [report] = JSON.parse(result.stdout) as Array<{ messages: Array<{ ruleId: string | null }> }>;
  return report!.messages.map((message) => message.ruleId ?? "parse error");
}

describe("pnpm lint enforces the package boundaries", () => {
  it("refuses a relative path into another package, and another package's src/ or test/", () => {
    expect(lint("e2e/probe.ts", 'import "../packages/service-kit/src/config";\n')).toEqual([
      "import-x/no-relative-packages",
    ]);
    expect(lint("bench/probe.ts", 'import "../subgraphs/inventory/test/harness";\n')).toEqual([
      "import-x/no-relative-packages",
    ]);
    expect(lint("scripts/probe.ts", 'import "@cartograph/products/src/product/product.service";\n')).toEqual([
      "no-restricted-imports",
    ]);
  }, 60_000);

  it("refuses a subgraph importing another subgraph", () => {
    expect(lint("subgraphs/orders/src/probe.ts", 'import "@cartograph/users";\n')).toEqual(["no-restricted-imports"]);
  }, 60_000);

  it("accepts public faces and a package's own files", () => {
    const code = 'import "@cartograph/service-kit/db";\nimport "@cartograph/users/config";\nimport "./subgraphs";\n';
    expect(lint("scripts/probe.ts", code)).toEqual([]);
    expect(lint("subgraphs/orders/src/probe.ts", 'import "./app";\nimport "@cartograph/events/postgres";\n')).toEqual(
      [],
    );
  }, 60_000);
});

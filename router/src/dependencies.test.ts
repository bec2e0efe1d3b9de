import { execFileSync } from "node:child_process";
import path from "node:path";

// The router imports only what it uses from the shared packages: loading its server must not
// pull in type-graphql, the MongoDB driver or drizzle (service-kit and events keep those behind
// their /graphql, /mongo, /db and /postgres entry points).
test("the router's server loads neither type-graphql, the MongoDB driver nor drizzle", () => {
  const script = [
    "require('./src/server');",
    "const loaded = Object.keys(require.cache).map((file) => file.split('node_modules').pop());",
    "process.stdout.write(JSON.stringify(loaded));",
  ].join("\n");
  const loaded = JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: path.resolve(__dirname, ".."),
      encoding: "utf8",
    }),
  ) as string[];
  // The probe itself must see the router's own modules, or it proves nothing.
  expect(loaded.some((file) => file.includes("@apollo/gateway"))).toBe(true);
  for (const heavy of ["/type-graphql/", "/mongodb/", "/drizzle-orm/"]) {
    expect(loaded.filter((file) => file.includes(heavy))).toEqual([]);
  }
}, 60_000);

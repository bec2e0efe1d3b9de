import "reflect-metadata";
import { parseConfig } from "@cartograph/service-kit";
import { startSubgraphHarness, type SubgraphHarness } from "@cartograph/testing";
import { startUsersSubgraph, USERS_SERVICE_DIR, type UsersSubgraph } from "../src/app";
import { usersEnvSchema, type UsersConfig } from "../src/config";
import { schema } from "../src/db";

export type UsersHarness = SubgraphHarness<typeof schema, UsersConfig, UsersSubgraph>;

/** The users subgraph in-process on a random port, over its own fresh database and exchange. */
export function startUsersHarness(env: Record<string, string> = {}): Promise<UsersHarness> {
  return startSubgraphHarness({
    label: "users",
    env,
    serviceDir: USERS_SERVICE_DIR,
    dbSchema: schema,
    parseConfig: (env) => parseConfig(usersEnvSchema, env),
    start: startUsersSubgraph,
  });
}

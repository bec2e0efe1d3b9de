// The users subgraph's public face: how to start it, its configuration and schema, its demo seed.
export { startUsersSubgraph, USERS_SERVICE_DIR, type UsersSubgraph } from "./app";
export { DEMO_ADMIN, usersEnvSchema, type UsersConfig } from "./config";
export { schema as usersTables } from "./db";
export { buildUsersSchema } from "./schema";
export { seedAdmin } from "./seed/admin";

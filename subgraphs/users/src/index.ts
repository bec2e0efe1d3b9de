export { startUsersService, USERS_SERVICE_DIR } from "./app";
export { usersEnvSchema, DEMO_ADMIN, type UsersConfig } from "./config";
export { buildUsersSchema } from "./schema";
export { seedAdmin } from "./seed";

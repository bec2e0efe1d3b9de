import { connectPostgres, createLogger, loadConfigOrExit, runCommand } from "@cartograph/service-kit";
import { usersEnvSchema } from "./config";
import { schema } from "./db";
import { seedAdmin } from "./seed";

// `pnpm seed`: the first admin, from CARTOGRAPH_ADMIN_EMAIL / CARTOGRAPH_ADMIN_PASSWORD.
runCommand("users-seed", async () => {
  const config = loadConfigOrExit("users", usersEnvSchema);
  const log = createLogger("users-seed", config.LOG_LEVEL);
  const database = connectPostgres(config.DATABASE_URL, schema, log, { max: 1 });
  try {
    const { email, created } = await seedAdmin(database.db, config);
    log.info({ email }, created ? "admin created" : "admin already present: role and password ensured");
  } finally {
    await database.close();
  }
});

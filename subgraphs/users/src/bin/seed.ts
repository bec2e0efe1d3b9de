import { runServiceCommand } from "@cartograph/service-kit";
import { connectPostgres } from "@cartograph/service-kit/db";
import { usersEnvSchema } from "../config";
import { schema } from "../db";
import { seedAdmin } from "../seed/admin";

// `pnpm seed`: the first admin, from CARTOGRAPH_ADMIN_EMAIL / CARTOGRAPH_ADMIN_PASSWORD.
runServiceCommand("users", "seed", usersEnvSchema, async (config, log) => {
  const database = connectPostgres(config.DATABASE_URL, schema, log, { max: 1 });
  try {
    const { email, created } = await seedAdmin(database.db, config);
    log.info({ email }, created ? "admin created" : "admin already present: role and password ensured");
  } finally {
    await database.close();
  }
});

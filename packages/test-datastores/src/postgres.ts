import pg from "pg";
import { isLeftover, uniqueStamp } from "./stamp";

/** A role allowed to create databases; `pnpm services:up` creates it locally. */
export const POSTGRES_ADMIN_URL =
  process.env.CARTOGRAPH_TEST_POSTGRES_URL ?? "postgres://cartograph:cartograph@127.0.0.1:5432/postgres";

export interface TestDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

function urlForDatabase(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A fresh, empty database for one test file in one worker: `t_<label>_w<worker>_<stamp>`.
 * Tests never share rows, so they can run in parallel and in any order.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const worker = process.env.JEST_WORKER_ID ?? "0";
  const name = `t_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_w${worker}_${uniqueStamp()}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: urlForDatabase(name),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Drops the test databases killed runs left (`isLeftover`: made long ago, and not in use). */
export async function sweepStaleTestDatabases(): Promise<number> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database d
        where datname ~ '^t_[a-z0-9_]+_w[0-9]+_([0-9a-f]{8}|[0-9a-z]{8,9}x[0-9a-f]{6})$'
          and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`,
    );
    const leftovers = rows.map((row) => row.datname).filter((name) => isLeftover(name));
    for (const name of leftovers) await admin.query(`drop database if exists "${name}"`);
    return leftovers.length;
  } finally {
    await admin.end();
  }
}

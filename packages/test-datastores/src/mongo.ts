import { MongoClient } from "mongodb";
import { uniqueStamp } from "./stamp";

/** The MongoDB-compatible server (`pnpm services:up` runs FerretDB there). */
export const MONGODB_TEST_URL = process.env.CARTOGRAPH_TEST_MONGODB_URL ?? "mongodb://127.0.0.1:27017";

export interface TestMongoDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** A fresh database name for one test file in one worker; it exists once something is written. */
export function createTestMongoDatabase(label: string): TestMongoDatabase {
  const worker = process.env.JEST_WORKER_ID ?? "0";
  const name = `t_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_w${worker}_${uniqueStamp()}`;
  const url = new URL(MONGODB_TEST_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new MongoClient(url.toString(), { serverSelectionTimeoutMS: 5_000 });
      try {
        await client.db(name).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

import { z } from "zod";
import { baseEnvSchema, ConfigError, parseConfig, port } from "./config";

const schema = baseEnvSchema.extend({ PORT: port(4001), DATABASE_URL: z.string().url() });

describe("configuration", () => {
  it("applies defaults and coerces numbers", () => {
    const config = parseConfig(schema, { DATABASE_URL: "postgres://u:p@localhost/db", PORT: "5000" });
    expect(config).toMatchObject({ PORT: 5000, NODE_ENV: "development", STORE_CURRENCY: "USD", HOST: "127.0.0.1" });
  });

  it("treats an empty variable as unset", () => {
    expect(parseConfig(schema, { DATABASE_URL: "postgres://localhost/db", PORT: "" }).PORT).toBe(4001);
  });

  it("names every bad variable at once", () => {
    let error: unknown;
    try {
      parseConfig(schema, { PORT: "eighty", STORE_CURRENCY: "dollars" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("PORT");
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain("STORE_CURRENCY");
  });
});

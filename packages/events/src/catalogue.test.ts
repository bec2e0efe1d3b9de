import { randomUUID } from "node:crypto";
import { InvalidEventError, parseEnvelope } from "./catalogue";

const valid = () => ({
  id: randomUUID(),
  type: "user.registered",
  occurredAt: new Date().toISOString(),
  aggregateId: "usr_1",
  version: 1,
  data: { userId: "usr_1", email: "ada@example.com", name: "Ada" },
});

describe("parseEnvelope", () => {
  it("accepts a valid envelope and types its data by its type", () => {
    const envelope = valid();
    const event = parseEnvelope(envelope);
    expect(event).toEqual(envelope);
    if (event.type === "user.registered") expect(event.data.email).toBe("ada@example.com");
  });

  it("rejects an unknown event type", () => {
    expect(() => parseEnvelope({ ...valid(), type: "user.exploded" })).toThrow(InvalidEventError);
    expect(() => parseEnvelope({ ...valid(), type: "user.exploded" })).toThrow(/unknown event type "user.exploded"/);
  });

  it("rejects data that does not match the type's schema", () => {
    expect(() => parseEnvelope({ ...valid(), data: { userId: "usr_1" } })).toThrow(/invalid data for user.registered/);
    expect(() => parseEnvelope({ ...valid(), data: { userId: 1, email: "a@b.c", name: "A" } })).toThrow(
      InvalidEventError,
    );
  });

  it("rejects what is not an envelope", () => {
    for (const body of [null, "text", 42, {}, { ...valid(), id: "not-a-uuid" }, { ...valid(), version: 0 }]) {
      expect(() => parseEnvelope(body)).toThrow(InvalidEventError);
    }
  });
});

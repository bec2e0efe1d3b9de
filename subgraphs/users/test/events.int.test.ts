import { callSubgraph, RABBITMQ_URL, uniqueEmail } from "@cartograph/testing";
import { connect, type ChannelModel, type Channel } from "amqplib";
import { startUsersHarness, type UsersHarness } from "./harness";

let users: UsersHarness;
let connection: ChannelModel;
let channel: Channel;
let queue: string;

beforeAll(async () => {
  users = await startUsersHarness();
  connection = await connect(RABBITMQ_URL);
  channel = await connection.createChannel();
  await channel.assertExchange(users.config.EVENTS_EXCHANGE, "topic", { durable: true });
  queue = (await channel.assertQueue("", { exclusive: true })).queue;
  await channel.bindQueue(queue, users.config.EVENTS_EXCHANGE, "user.registered");
});
afterAll(async () => {
  await connection?.close();
  await users?.close();
});

async function nextMessage(timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const message = await channel.get(queue, { noAck: true });
    if (message) return message;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("no event arrived");
}

describe("users events", () => {
  it("registering publishes user.registered through the outbox, once, and marks it sent", async () => {
    const email = uniqueEmail("events");
    const result = await callSubgraph<{ register: { user: { id: string } } }>(
      users.url,
      "mutation($input: RegisterInput!) { register(input: $input) { user { id } } }",
      { input: { email, password: "password123", name: "Evie" } },
    );
    const userId = result.data!.register.user.id;
    const message = await nextMessage();
    const envelope = JSON.parse(message.content.toString());
    expect(message.fields.routingKey).toBe("user.registered");
    expect(message.properties.messageId).toBe(envelope.id);
    expect(envelope).toMatchObject({
      type: "user.registered",
      aggregateId: userId,
      version: 1,
      data: { userId, email, name: "Evie" },
    });
    const { rows } = await users.database.pool.query("select published_at from outbox_events where id = $1", [
      envelope.id,
    ]);
    expect(rows[0].published_at).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await channel.get(queue, { noAck: true })).toBe(false);
  });

  it("a registration that fails (email taken) publishes nothing", async () => {
    const email = uniqueEmail("dupe");
    const register = (name: string) =>
      callSubgraph(users.url, "mutation($input: RegisterInput!) { register(input: $input) { userErrors { code } } }", {
        input: { email, password: "password123", name },
      });
    await register("First");
    await nextMessage();
    await register("Second");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await channel.get(queue, { noAck: true })).toBe(false);
    const { rows } = await users.database.pool.query(
      "select count(*)::int as n from outbox_events where envelope->'data'->>'email' = $1",
      [email],
    );
    expect(rows[0].n).toBe(1);
  });
});

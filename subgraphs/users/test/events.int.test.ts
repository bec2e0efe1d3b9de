import { callSubgraph, RABBITMQ_URL, uniqueEmail, waitFor } from "@cartograph/testing";
import { connect, type Channel, type ChannelModel, type GetMessage } from "amqplib";
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
  return waitFor(() => channel.get(queue, { noAck: true }), { timeoutMs, what: "an event" });
}

const register = (email: string, name: string) =>
  callSubgraph<{ register: { user: { id: string } | null; userErrors: Array<{ code: string }> } }>(
    users.url,
    "mutation($input: RegisterInput!) { register(input: $input) { user { id } userErrors { code } } }",
    { input: { email, password: "password123", name } },
  );

/**
 * Registers a marker user, a later event through the same outbox and relay (oldest first), and
 * takes messages until its event arrives: returns the ones that came before it.
 */
async function messagesBeforeMarker(): Promise<GetMessage[]> {
  const email = uniqueEmail("marker");
  expect((await register(email, "Marker")).data!.register.userErrors).toEqual([]);
  const before: GetMessage[] = [];
  for (;;) {
    const message = await nextMessage();
    if (JSON.parse(message.content.toString()).data.email === email) return before;
    before.push(message);
  }
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
    expect(rows).toHaveLength(1);
    expect(rows[0].published_at).not.toBeNull();
    expect(await messagesBeforeMarker()).toEqual([]);
  });

  it("a registration that fails (email taken) publishes nothing", async () => {
    const email = uniqueEmail("dupe");
    expect((await register(email, "First")).data!.register.userErrors).toEqual([]);
    await nextMessage();
    const second = await register(email, "Second");
    expect(second.data!.register).toEqual({ user: null, userErrors: [{ code: "TAKEN" }] });
    expect(await messagesBeforeMarker()).toEqual([]);
    const { rows } = await users.database.pool.query(
      "select count(*)::int as n from outbox_events where envelope->'data'->>'email' = $1",
      [email],
    );
    expect(rows[0].n).toBe(1);
  });
});

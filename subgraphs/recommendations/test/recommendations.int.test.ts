import { eventEnvelope, orderPaid, productCreated, uniqueId } from "@cartograph/testing";
import { startRecommendationsHarness, type RecommendationsHarness } from "./harness";

let recs: RecommendationsHarness;
beforeAll(async () => {
  recs = await startRecommendationsHarness();
});
afterAll(() => recs?.close());

const FBT = `query($r: [_Any!]!, $first: Int) { _entities(representations: $r) { ... on Product { frequentlyBoughtTogether(first: $first) { id } } } }`;
const RECOMMENDED = `query($r: [_Any!]!, $first: Int) { _entities(representations: $r) { ... on User { recommendedProducts(first: $first) { id } } } }`;
const TRENDING = `query($first: Int, $days: Int) { trendingProducts(first: $first, days: $days) { id } }`;

async function products(count: number, label = "prd"): Promise<string[]> {
  const ids = Array.from({ length: count }, () => uniqueId(label));
  for (const id of ids) await recs.deliver(productCreated(id));
  return ids;
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

async function pay(userId: string, productIds: string[], paidAt = new Date()) {
  const event = orderPaid({ orderId: uniqueId("ord"), userId, productIds, paidAt });
  await recs.deliver(event);
  return event;
}

const ids = (list: Array<{ id: string }>) => list.map((item) => item.id);

async function frequentlyBoughtTogether(productId: string, first = 4): Promise<string[]> {
  const result = await recs.gql<{ _entities: Array<{ frequentlyBoughtTogether: Array<{ id: string }> }> }>(FBT, {
    r: [{ __typename: "Product", id: productId }],
    first,
  });
  expect(result.errors).toBeUndefined();
  return ids(result.data!._entities[0]!.frequentlyBoughtTogether);
}

async function recommendedFor(userId: string, first = 8, token = recs.tokens.customer(userId)) {
  return recs.gql<{ _entities: Array<{ recommendedProducts: Array<{ id: string }> }> }>(
    RECOMMENDED,
    { r: [{ __typename: "User", id: userId }], first },
    token,
  );
}

async function trending(first: number, days: number): Promise<string[]> {
  const result = await recs.gql<{ trendingProducts: Array<{ id: string }> }>(TRENDING, { first, days });
  expect(result.errors).toBeUndefined();
  return ids(result.data!.trendingProducts);
}

describe("frequently bought together", () => {
  it("ranks what is bought with a product by how often, never the product itself", async () => {
    const [desk, chair, lamp, rug] = await products(4);
    await pay(uniqueId("usr"), [desk!, chair!]);
    await pay(uniqueId("usr"), [desk!, chair!, lamp!]);
    await pay(uniqueId("usr"), [chair!, desk!]);
    await pay(uniqueId("usr"), [rug!, chair!]);

    const together = await frequentlyBoughtTogether(desk!, 2);
    expect(together).toEqual([chair, lamp]);
    expect(await frequentlyBoughtTogether(chair!, 4)).not.toContain(chair);
    const withChair = await frequentlyBoughtTogether(chair!, 4);
    expect(withChair[0]).toBe(desk);
    expect(new Set(withChair.slice(1, 3))).toEqual(new Set([lamp, rug]));
  });

  it("weighs recent orders more than old ones", async () => {
    const [phone, oldCase, newCase] = await products(3);
    for (let i = 0; i < 3; i += 1) await pay(uniqueId("usr"), [phone!, oldCase!], daysAgo(400));
    await pay(uniqueId("usr"), [phone!, newCase!]);
    expect((await frequentlyBoughtTogether(phone!, 2))[0]).toBe(newCase);
  });

  it("drops a product once it is deleted", async () => {
    const [tent, stove, mat] = await products(3);
    await pay(uniqueId("usr"), [tent!, stove!]);
    await pay(uniqueId("usr"), [tent!, stove!]);
    await pay(uniqueId("usr"), [tent!, mat!]);
    expect((await frequentlyBoughtTogether(tent!, 2))[0]).toBe(stove);
    await recs.deliver(
      eventEnvelope(
        "product.deleted",
        stove!,
        { productId: stove!, slug: stove!, name: "Stove", active: false, categoryId: null, variantIds: [] },
        new Date(Date.now() + 1000),
      ),
    );
    const after = await frequentlyBoughtTogether(tent!, 2);
    expect(after[0]).toBe(mat);
    expect(after).not.toContain(stove);
  });

  it("falls back to trending products for a product nobody bought", async () => {
    const [lonely] = await products(1, "prd_lonely");
    const together = await frequentlyBoughtTogether(lonely!, 3);
    expect(together).toEqual((await trending(4, 30)).filter((id) => id !== lonely).slice(0, 3));
    expect(together).toHaveLength(3);
  });
});

describe("a redelivered order.paid", () => {
  it("changes no count, whether announced again under a new event id or applied five times at once", async () => {
    const [a, b, c] = await products(3);
    const paid = await pay(uniqueId("usr"), [a!, b!, c!]);
    const snapshot = async () => ({
      pairs: await recs.store.db
        .collection("copurchases")
        .find({ productId: { $in: [a, b, c] } }, { projection: { _id: 1, count: 1, score: 1 } })
        .sort({ _id: 1 })
        .toArray(),
      sales: await recs.store.db
        .collection("product_daily_sales")
        .find({ productId: { $in: [a, b, c] } }, { projection: { _id: 1, units: 1 } })
        .sort({ _id: 1 })
        .toArray(),
    });
    const before = await snapshot();
    expect(before.pairs).toHaveLength(6);
    expect(before.pairs.every((pair) => pair.count === 1)).toBe(true);

    // A new event id gets past the inbox, so only the per-order guards stand in the way.
    await recs.deliver({ ...paid, id: eventEnvelope("order.paid", paid.aggregateId, paid.data).id });
    const order = {
      orderId: paid.data.orderId,
      userId: paid.data.userId,
      lines: paid.data.lines,
      paidAt: new Date(paid.data.paidAt),
    };
    await Promise.all(Array.from({ length: 5 }, () => recs.service.coPurchases.applyPurchase(order)));
    expect(await snapshot()).toEqual(before);
  });
});

describe("recommended products", () => {
  it("suggests what others bought with the user's purchases, never what the user already bought", async () => {
    const [camera, lens, tripod, bag] = await products(4);
    await pay(uniqueId("usr"), [camera!, lens!]);
    await pay(uniqueId("usr"), [camera!, lens!, tripod!]);
    await pay(uniqueId("usr"), [bag!, tripod!]);
    const shopper = uniqueId("usr");
    await pay(shopper, [camera!, bag!]);

    const result = await recommendedFor(shopper, 2);
    expect(result.errors).toBeUndefined();
    const recommended = ids(result.data!._entities[0]!.recommendedProducts);
    // lens: bought with the camera twice; tripod: once with the camera, once with the bag.
    expect(new Set(recommended)).toEqual(new Set([lens, tripod]));
    expect(recommended).not.toContain(camera);
    expect(recommended).not.toContain(bag);
  });

  it("never suggests any product of a big order, even past the 20 whose pairs are counted", async () => {
    const many = await products(22, "prd_big");
    const bigSpender = uniqueId("usr");
    await pay(bigSpender, many.slice(0, 21));
    // The product that sorts last in the big order, bought by others with one that sorts first.
    await pay(uniqueId("usr"), [many[0]!, many[20]!]);
    await pay(uniqueId("usr"), [many[0]!, many[20]!]);
    const result = await recommendedFor(bigSpender, 8);
    expect(result.errors).toBeUndefined();
    const recommended = ids(result.data!._entities[0]!.recommendedProducts);
    expect(recommended.filter((id) => many.slice(0, 21).includes(id))).toEqual([]);
  });

  it("falls back to trending for a new customer, and is private to the user and admins", async () => {
    const newcomer = uniqueId("usr");
    const result = await recommendedFor(newcomer, 3);
    expect(ids(result.data!._entities[0]!.recommendedProducts)).toEqual(await trending(3, 30));

    const stranger = await recommendedFor(newcomer, 3, recs.tokens.customer());
    expect(stranger.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await recommendedFor(newcomer, 3, recs.tokens.admin())).errors).toBeUndefined();
  });
});

describe("trending products", () => {
  it("counts units bought within the window only", async () => {
    const [hot, old] = await products(2, "prd_trend");
    for (let i = 0; i < 60; i += 1) await pay(uniqueId("usr"), [old!], daysAgo(20));
    await recs.deliver(
      orderPaid({ orderId: uniqueId("ord"), userId: uniqueId("usr"), productIds: [hot!], paidAt: new Date() }),
    );
    const lastWeek = await trending(50, 7);
    expect(lastWeek).toContain(hot);
    expect(lastWeek).not.toContain(old);
    expect((await trending(1, 30))[0]).toBe(old);
  });

  it("refuses a window or a size out of range", async () => {
    for (const variables of [
      { first: 8, days: 0 },
      { first: 51, days: 7 },
      { first: 8, days: 366 },
    ]) {
      const result = await recs.gql(TRENDING, variables);
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });
});

describe("rebuild", () => {
  it("recomputes the same counts from the order history", async () => {
    const [x, y, z] = await products(3);
    await pay(uniqueId("usr"), [x!, y!], daysAgo(3));
    await pay(uniqueId("usr"), [x!, y!, z!]);
    const read = () =>
      recs.store.db
        .collection("copurchases")
        .find({}, { projection: { orders: 0 } })
        .sort({ _id: 1 })
        .toArray();
    const before = await read();
    const rebuilt = await recs.service.coPurchases.rebuild();
    expect(rebuilt.orders).toBeGreaterThanOrEqual(2);
    const after = await read();
    expect(after.map((pair) => [pair._id, pair.count])).toEqual(before.map((pair) => [pair._id, pair.count]));
    after.forEach((pair, i) => expect(pair.score).toBeCloseTo(before[i]!.score as number, 6));
    expect(await frequentlyBoughtTogether(z!, 2)).toEqual([x, y].sort());
  });
});

describe("federation contract of the recommendations subgraph", () => {
  it("serves its SDL with Product and User extended by key and trendingProducts on Query", async () => {
    const result = await recs.gql<{ _service: { sdl: string } }>("{ _service { sdl } }");
    const sdl = result.data!._service.sdl;
    expect(sdl).toMatch(/type Product\s+(@cacheControl\([^)]*\)\s+)?@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/trendingProducts\([^)]*first: Int = 8[^)]*days: Int = 7[^)]*\): \[Product!\](?!!)/s);
  });
});

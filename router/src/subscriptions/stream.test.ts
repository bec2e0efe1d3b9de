import { EventStream } from "./stream";

const collect = (stream: EventStream<number, string>, count: number) =>
  Promise.all(Array.from({ length: count }, () => stream.next()));

describe("EventStream", () => {
  it("hands items over in order, one handled at a time, skipping those handled to nothing", async () => {
    const handled: number[] = [];
    const stream = new EventStream<number, string>(
      async (n) => {
        handled.push(n);
        await new Promise((resolve) => setTimeout(resolve, 5 - n));
        return { result: n === 2 ? null : `#${n}` };
      },
      async () => undefined,
      () => "overflow",
    );
    for (const n of [1, 2, 3, 4]) stream.push(n);
    expect((await collect(stream, 3)).map((r) => r.value)).toEqual(["#1", "#3", "#4"]);
    expect(handled).toEqual([1, 2, 3, 4]);
  });

  it("cleans up on return() even before anything was pulled, and ends every pending pull", async () => {
    const cleanup = jest.fn(async () => undefined);
    const stream = new EventStream<number, string>(
      async (n) => ({ result: `#${n}` }),
      cleanup,
      () => "overflow",
    );
    const pending = stream.next();
    await stream.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(cleanup).toHaveBeenCalledTimes(1);
    stream.push(1);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    await stream.return();
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it("ends after a last result", async () => {
    const cleanup = jest.fn(async () => undefined);
    const stream = new EventStream<number, string>(
      async (n) => ({ result: `#${n}`, last: n === 1 }),
      cleanup,
      () => "overflow",
    );
    stream.push(1);
    stream.push(2);
    expect(await stream.next()).toEqual({ value: "#1", done: false });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it("ends a subscriber that falls too far behind with the overflow result", async () => {
    const cleanup = jest.fn(async () => undefined);
    const stream = new EventStream<number, string>(
      async (n) => ({ result: `#${n}` }),
      cleanup,
      () => "fell behind",
      2,
    );
    for (const n of [1, 2, 3]) stream.push(n);
    expect(await stream.next()).toEqual({ value: "fell behind", done: false });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(cleanup).toHaveBeenCalledTimes(1);
  });
});

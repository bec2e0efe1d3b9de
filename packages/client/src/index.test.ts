import { CartographRequestError, createCartographClient } from "./index";

/** A fetch that answers Me for the "fresh" token and refuses any other as expired. */
function router() {
  const sent: Array<string | null> = [];
  const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    const authorization = new Headers(init?.headers).get("authorization");
    sent.push(authorization);
    const ok = authorization === "Bearer fresh";
    const body = ok
      ? { data: { me: { id: "VXNlcjox" } } }
      : {
          errors: [
            { message: "Access token refused", extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" } },
          ],
        };
    return new Response(JSON.stringify(body), { status: ok ? 200 : 401 });
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

describe("refreshAccessToken", () => {
  it("is called once for concurrent refusals, each retried once with the new token, which is kept", async () => {
    const { fetch, sent } = router();
    let calls = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = createCartographClient({
      url: "http://router.test/graphql",
      fetch,
      accessToken: "expired",
      refreshAccessToken: async () => {
        calls += 1;
        await gate; // Both refusals arrive while the refresh is in flight.
        return "fresh";
      },
    });
    const both = Promise.all([client.Me(), client.Me()]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    expect(await both).toEqual([{ me: { id: "VXNlcjox" } }, { me: { id: "VXNlcjox" } }]);
    await client.Me();
    expect(calls).toBe(1);
    expect(sent).toEqual(["Bearer expired", "Bearer expired", "Bearer fresh", "Bearer fresh", "Bearer fresh"]);
  });

  it("gives up on null: the refusal is thrown, and the next refusal tries again", async () => {
    const { fetch } = router();
    const refreshAccessToken = jest.fn(async () => null);
    const client = createCartographClient({
      url: "http://router.test/graphql",
      fetch,
      accessToken: "expired",
      refreshAccessToken,
    });
    await expect(client.Me()).rejects.toThrow(CartographRequestError);
    await expect(client.Me()).rejects.toMatchObject({ codes: ["UNAUTHENTICATED"], status: 401 });
    expect(refreshAccessToken).toHaveBeenCalledTimes(2);
  });

  it("is not called when the token was already replaced after the refused request was sent", async () => {
    const { fetch, sent } = router();
    let token = "expired";
    const refreshAccessToken = jest.fn(async () => "unused");
    const client = createCartographClient({
      url: "http://router.test/graphql",
      fetch: (async (...args: Parameters<typeof globalThis.fetch>) => {
        const response = await fetch(...args);
        token = "fresh"; // The application refreshed meanwhile (another tab, another client).
        return response;
      }) as typeof globalThis.fetch,
      accessToken: () => token,
      refreshAccessToken,
    });
    expect(await client.Me()).toEqual({ me: { id: "VXNlcjox" } });
    expect(refreshAccessToken).not.toHaveBeenCalled();
    expect(sent).toEqual(["Bearer expired", "Bearer fresh"]);
  });
});

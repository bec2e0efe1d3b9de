import { allowedOriginsOf } from "./origins";

describe("which browser origins may call the router", () => {
  it("in production, only CORS_ORIGINS", () => {
    const allowed = allowedOriginsOf({ NODE_ENV: "production", CORS_ORIGINS: ["https://shop.example"] });
    expect(["https://shop.example", "http://localhost:5173", "https://studio.apollographql.com"].map(allowed)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it("elsewhere, also Sandbox and any http://localhost or 127.0.0.1 port", () => {
    const allowed = allowedOriginsOf({ NODE_ENV: "development", CORS_ORIGINS: [] });
    expect(
      [
        "http://localhost:5173",
        "http://127.0.0.1:8080",
        "https://studio.apollographql.com",
        "http://localhost.evil.example",
        "https://evil.example",
      ].map(allowed),
    ).toEqual([true, true, true, false, false]);
  });
});

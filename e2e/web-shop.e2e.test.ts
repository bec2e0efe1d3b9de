import { readFileSync, mkdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import AxeBuilder from "@axe-core/playwright";
import type { ServiceProcess } from "@cartograph/scripts/processes";
import { repoRoot } from "@cartograph/scripts/subgraphs";
import {
  buildStorefront,
  ROUTER_BEHIND_LOCAL_STOREFRONT,
  startStorefront,
  STOREFRONT_DIR,
} from "@cartograph/scripts/storefront";
import { freePort, uniqueEmail } from "@cartograph/testing";
import { chromium, type Browser, type Page } from "playwright-core";
import { E2E_ADMIN, startPlatform, type Platform } from "./platform";
import { openShop, type Shop } from "./shop";

/**
 * The web shop in a real browser (Debian's Chromium, headless, through playwright-core), against
 * the platform and the storefront served as `pnpm start` serves them: a guest's whole journey to
 * a paid order, the refusals on the way, axe on every page, a phone's width, keyboard only
 * through checkout, and every request a trusted document. Screenshots go to .local/screenshots
 * (`pnpm screenshots` copies them to docs/screenshots for the README).
 */
const SCREENSHOTS = path.join(repoRoot, ".local/screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** The JavaScript a first visit loads (gzipped): a budget, so the shop stays quick on a phone. */
const FIRST_VISIT_JS_BUDGET_KB = 150;

let platform: Platform;
let shop: Shop;
let storefront: ServiceProcess;
let browser: Browser;
let shopUrl: string;

beforeAll(async () => {
  // As `pnpm start` runs it: the router believes the storefront's X-Forwarded-For.
  platform = await startPlatform({ env: ROUTER_BEHIND_LOCAL_STOREFRONT });
  shop = await openShop(platform);
  await buildStorefront();
  storefront = await startStorefront({ port: await freePort(), routerUrl: new URL(platform.routerUrl).origin });
  shopUrl = storefront.baseUrl;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await storefront?.stop();
  await shop?.dispose();
  await platform?.stop();
});

/** No axe violation (WCAG 2 A and AA) on the page as it is now. */
async function expectAccessible(page: Page, name: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  expect({
    page: name,
    violations: violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`),
  }).toEqual({
    page: name,
    violations: [],
  });
}

async function checkPage(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Presses Tab until `label`'s control has focus (so it is reachable by keyboard), at most 60 times. */
async function tabTo(page: Page, accessibleName: RegExp): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    await page.keyboard.press("Tab");
    // What a screen reader would name the focused control: its label, or a button's text.
    const focused = await page.evaluate<string>(`(() => {
      const element = document.activeElement;
      if (!element) return "";
      const label = element.labels?.[0]?.textContent ?? "";
      return label + " " + (element.getAttribute("aria-label") ?? "") + " " + (element.tagName === "BUTTON" ? element.textContent : "");
    })()`);
    if (accessibleName.test(focused)) return;
  }
  throw new Error(`${accessibleName} was not reached with Tab`);
}

/** Reads until `done` holds (the page catches up with a change), then returns the last reading. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A product to buy: in a category, with a brand, with a variant whose stock the test sets. */
async function productToBuy() {
  const client = platform.client();
  const { products } = await client.ProductListing({ first: 100, sort: { field: "NAME", direction: "ASC" } });
  const { categories } = await client.CategoryTree();
  for (const card of products.nodes) {
    if (!card.brand || !/^[A-Za-z]{3,}/.test(card.name)) continue;
    const { product } = await client.ProductPage({ slug: card.slug });
    if (!product?.category || product.variants.length === 0) continue;
    const root = categories.find(
      (candidate) =>
        candidate.id === product.category!.id ||
        candidate.children.some(
          (child) => child.id === product.category!.id || child.children.some((c) => c.id === product.category!.id),
        ),
    );
    if (!root) continue;
    const variant = product.variants.at(-1)!;
    return { product, variant, root, brand: card.brand };
  }
  throw new Error("the seed has no product with a brand in a category");
}

describe("the web shop", () => {
  it("serves the shop and its API on one origin, with a CSP, and answers unknown paths with the app", async () => {
    const home = await fetch(`${shopUrl}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await home.text()).toContain('<div id="root">');
    expect((await fetch(`${shopUrl}/p/anything?x=1`)).status).toBe(200);
    const api = await fetch(`${shopUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(await api.json()).toMatchObject({ data: { __typename: "Query" } });
  });

  it("answers SERVICE_UNAVAILABLE (502) when the router does not answer, and refuses a ROUTER_URL with a path", async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const orphan = await startStorefront({ port: await freePort(), routerUrl: nowhere });
    try {
      const response = await fetch(`${orphan.baseUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({
        errors: [{ message: "The shop's API is unavailable.", extensions: { code: "SERVICE_UNAVAILABLE" } }],
      });
      expect((await fetch(`${orphan.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await orphan.stop();
    }
    await expect(startStorefront({ port: await freePort(), routerUrl: platform.routerUrl })).rejects.toThrow(
      /ROUTER_URL: must be the router's address without a path/,
    );
  });

  it("passes the shopper's address on to the router in X-Forwarded-For (router/test/throttle: their own bucket)", async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const router = http.createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      res.writeHead(200, { "content-type": "application/json" }).end('{"data":{"__typename":"Query"}}');
    });
    await new Promise<void>((resolve) => router.listen(0, "127.0.0.1", resolve));
    const routerUrl = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
    const proxying = await startStorefront({ port: await freePort(), routerUrl });
    try {
      const call = (headers: Record<string, string> = {}) =>
        fetch(`${proxying.baseUrl}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
      expect((await call()).status).toBe(200);
      // Behind an ingress, the shopper's address is already in the header: the storefront adds its peer's.
      expect((await call({ "x-forwarded-for": "203.0.113.7" })).status).toBe(200);
      expect(seen.map((headers) => headers["x-forwarded-for"])).toEqual(["127.0.0.1", "203.0.113.7,127.0.0.1"]);
      expect(seen[0]!["x-forwarded-host"]).toBe(new URL(proxying.baseUrl).host);
    } finally {
      await proxying.stop();
      router.closeAllConnections();
      await new Promise((resolve) => router.close(resolve));
    }
  });

  it("a first visit loads at most its budget of JavaScript, and each page's code only when opened", () => {
    const dist = path.join(STOREFRONT_DIR, "dist");
    const html = readFileSync(path.join(dist, "index.html"), "utf8");
    const firstVisit = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
    expect(firstVisit.length).toBeGreaterThan(0);
    const gzipped = firstVisit.reduce((sum, file) => sum + gzipSync(readFileSync(path.join(dist, file))).length, 0);
    process.stdout.write(`storefront first visit: ${(gzipped / 1024).toFixed(1)} kB of JavaScript gzipped\n`);
    expect(gzipped / 1024).toBeLessThan(FIRST_VISIT_JS_BUDGET_KB);
    // The admin's and the checkout's code are not in it.
    const loaded = firstVisit.map((file) => readFileSync(path.join(dist, file), "utf8")).join("\n");
    expect(loaded).not.toContain("Back office");
    expect(loaded).not.toContain("Place order");
  });

  it("a guest browses, filters, searches, adds to the cart with a coupon, signs up keeping both, is refused and declined, then pays and watches the order turn PAID", async () => {
    const { product, variant, root, brand } = await productToBuy();
    const { setStock } = await shop.admin.SetStock({ variantId: variant.id, onHand: 3 });
    expect(setStock.userErrors).toEqual([]);
    await shop.ordersSeeStock(variant.id, 3);
    const coupon = `WEB${Date.now()}`;
    const { createCoupon } = await shop.admin.CreateCoupon({ input: { code: coupon, percentOff: 10 } });
    expect(createCoupon.userErrors).toEqual([]);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Every operation the shop sends is a trusted document: its id, never its text.
    const sentText: string[] = [];
    page.on("request", (request) => {
      if (!request.url().endsWith("/graphql") || request.method() !== "POST") return;
      const body = JSON.parse(request.postData() ?? "{}") as { query?: string; extensions?: unknown };
      if (body.query) sentText.push(body.query);
    });
    const socketFrames: string[] = [];
    const socketReceived: string[] = [];
    page.on("websocket", (socket) => {
      socket.on("framesent", (frame) => socketFrames.push(String(frame.payload)));
      socket.on("framereceived", (frame) => socketReceived.push(String(frame.payload)));
    });

    // Home, then a category from the menu, filtered by a brand.
    await page.goto(shopUrl);
    await page.getByRole("heading", { name: "Trending this week" }).waitFor();
    await checkPage(page, "home");
    await page.getByRole("navigation", { name: "Categories" }).getByRole("link", { name: root.name }).click();
    await page.getByRole("heading", { level: 1, name: root.name }).waitFor();
    const brandFilter = page.getByRole("checkbox", { name: new RegExp(`^${brand} \\(`) });
    await brandFilter.click();
    await page.waitForURL(/brand=/);
    expect(await brandFilter.isChecked()).toBe(true);
    await page.getByRole("list", { name: `${root.name} products` }).waitFor();
    // The filtered results replace the previous ones once they arrive.
    const cardBrands = page.getByRole("list", { name: `${root.name} products` }).locator(".product-card .muted");
    const brands = await eventually(
      () => cardBrands.allTextContents(),
      (texts) => texts.length > 0 && texts.every((text) => text === brand),
    );
    expect(brands.length).toBeGreaterThan(0);
    expect(new Set(brands)).toEqual(new Set([brand]));
    await checkPage(page, "category");

    // Search as you type: the product is suggested, and chosen from the list.
    const search = page.getByRole("combobox", { name: "Search products" });
    await search.pressSequentially(product.name.split(" ")[0]!.slice(0, 4), { delay: 60 });
    const suggestion = page.getByRole("option", { name: new RegExp(product.name) });
    await suggestion.waitFor();
    await checkPage(page, "suggestions");
    await suggestion.dispatchEvent("mousedown");
    await page.getByRole("heading", { level: 1, name: product.name }).waitFor();

    // Pick the variant by its options; more than there is says how many there are.
    for (const option of variant.options)
      await page.getByRole("group", { name: option.name }).getByRole("radio", { name: option.value }).check();
    await page.getByText(/In stock/).waitFor();
    await page.getByLabel("Quantity").fill("5");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("alert").filter({ hasText: "Only 3 left in stock." }).waitFor();
    await page.getByLabel("Quantity").fill("1");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("status").filter({ hasText: "Added to your cart" }).waitFor();
    await page.getByRole("link", { name: "Cart, 1 item" }).waitFor();
    await checkPage(page, "product");

    // The guest's cart takes a coupon (a wrong code says so), then sign up from it: both come along.
    await page.getByRole("link", { name: "View cart" }).click();
    await page.getByRole("cell", { name: `${product.name} · ${variant.title}` }).waitFor();
    await page.getByLabel("Coupon code").fill("NO-SUCH-CODE");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("alert").filter({ hasText: "This coupon code does not exist." }).waitFor();
    await page.getByLabel("Coupon code").fill(coupon.toLowerCase());
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText(`Discount (${coupon})`).waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);
    await checkPage(page, "cart");
    await page.getByRole("link", { name: "or create an account" }).click();
    await page.getByRole("heading", { name: "Create an account" }).waitFor();
    await checkPage(page, "sign-up");
    await page.getByLabel("Name").fill("Web Shopper");
    await page.getByLabel("Email").fill(uniqueEmail("web-shopper"));
    await page.getByLabel("Password").fill("password123");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Checkout" }).waitFor();
    await page.getByText(new RegExp(`1 × ${product.name}`)).waitFor();
    await page.getByText(`Discount (${coupon})`).waitFor();

    const fillAddress = async () => {
      await page.getByLabel("Address", { exact: true }).fill("1 Main St");
      await page.getByLabel("City").fill("Springfield");
      await page.getByLabel("Postal code").fill("12345");
    };

    // Sold out between the cart and the checkout: refused at once, the line named, the cart kept.
    await shop.admin.SetStock({ variantId: variant.id, onHand: 0 });
    await shop.ordersSeeStock(variant.id, 0);
    await fillAddress();
    await page.getByRole("button", { name: /Place order/ }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: `${product.name}: Sorry, this is sold out.` })
      .waitFor();
    await page.getByRole("link", { name: "Cart, 1 item" }).waitFor();
    await checkPage(page, "checkout");

    // A declined card: the order page says so, and the cart comes back.
    await shop.admin.SetStock({ variantId: variant.id, onHand: 3 });
    await shop.ordersSeeStock(variant.id, 3);
    await page.getByRole("radio", { name: /tok_chargeDeclined/ }).check();
    await page.getByRole("button", { name: /Place order/ }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Your card was declined, so the order was cancelled" })
      .waitFor({ timeout: 30_000 });
    await page.getByRole("link", { name: "Cart, 1 item" }).waitFor();
    await checkPage(page, "order-declined");

    // Keyboard only through checkout, with tok_visa: the order page turns PAID by itself.
    await shop.ordersSeeStock(variant.id, 3);
    await page.getByRole("link", { name: "Go to your cart" }).click();
    await page.getByRole("link", { name: "Check out" }).click();
    await page.getByRole("heading", { name: "Checkout" }).waitFor();
    await tabTo(page, /^Address/);
    await page.keyboard.type("1 Main St");
    await tabTo(page, /^City/);
    await page.keyboard.type("Springfield");
    await tabTo(page, /^Postal code/);
    await page.keyboard.type("12345");
    await tabTo(page, /Visa, pays/);
    expect(await page.getByRole("radio", { name: /tok_visa/ }).isChecked()).toBe(true);
    await tabTo(page, /Place order/);
    await page.evaluate(`window.journey = "same page"`);
    // Payments is paused until the order page listens, so PAID can only reach it pushed over the
    // subscription (not by the page's catch-up read).
    const payments = platform.services.payments!.pid;
    process.kill(payments, "SIGSTOP");
    try {
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/orders\//);
      const orderId = decodeURIComponent(page.url().split("/orders/")[1]!);
      await eventually(
        async () => socketFrames.some((frame) => frame.includes('"subscribe"') && frame.includes(orderId)),
        (sent) => sent,
      );
      await page.getByRole("status").filter({ hasText: "We are confirming your payment" }).waitFor();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    } finally {
      process.kill(payments, "SIGCONT");
    }
    await page.locator(".status-badge[data-status=PAID]").waitFor({ timeout: 30_000 });
    expect(socketReceived.some((frame) => frame.includes('"next"') && frame.includes('"PAID"'))).toBe(true);
    // No reload happened: what the page held before checkout is still there.
    expect(await page.evaluate<string>("window.journey")).toBe("same page");
    await page.getByRole("link", { name: "Cart, 0 items" }).waitFor();
    await checkPage(page, "order-paid");
    // Subscriptions too are sent as trusted document ids.
    const subscribes = socketFrames.filter((frame) => frame.includes('"subscribe"'));
    expect(subscribes.length).toBeGreaterThan(0);
    for (const frame of subscribes)
      expect(JSON.parse(frame)).toMatchObject({ payload: { query: "", extensions: { persistedQuery: {} } } });

    await page.getByRole("link", { name: "Orders" }).click();
    await page.getByRole("heading", { name: "Your orders" }).waitFor();
    await checkPage(page, "orders");
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByRole("heading", { level: 1 }).waitFor();
    await checkPage(page, "account");

    expect(sentText).toEqual([]);
    await context.close();
  });

  it("fits a phone's width: no sideways scrolling on the shop's pages", async () => {
    const { product, root } = await productToBuy();
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    for (const [name, url, heading] of [
      ["phone-home", "/", "Trending this week"],
      ["phone-category", `/c/${root.slug}`, root.name],
      ["phone-product", `/p/${product.slug}`, product.name],
    ] as const) {
      await page.goto(`${shopUrl}${url}`);
      await page.getByRole("heading", { name: heading }).first().waitFor();
      const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
      expect({ page: name, overflow }).toEqual({ page: name, overflow: 0 });
      await checkPage(page, name);
    }
    await context.close();
  });

  it("the back office works for an admin, and is accessible", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${shopUrl}/sign-in?next=/admin`);
    await page.getByLabel("Email").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill(E2E_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Back office" }).waitFor();
    await checkPage(page, "admin");
    await context.close();
  });
});

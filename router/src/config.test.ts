import { ConfigError, parseConfig } from "@cartograph/service-kit";
import { routerEnvSchema } from "./config";

const trustedProxies = (value: string) => parseConfig(routerEnvSchema, { TRUSTED_PROXIES: value }).TRUSTED_PROXIES;

describe("TRUSTED_PROXIES", () => {
  it("takes addresses, CIDRs and Express's named ranges, comma-separated", () => {
    expect(trustedProxies("loopback, uniquelocal,10.42.0.0/16 ,192.0.2.1,fd00::/8,::1,10.0.0.0/255.0.0.0")).toEqual([
      "loopback",
      "uniquelocal",
      "10.42.0.0/16",
      "192.0.2.1",
      "fd00::/8",
      "::1",
      "10.0.0.0/255.0.0.0",
    ]);
    expect(trustedProxies("")).toEqual([]);
  });

  it("refuses at start-up, naming each entry and why, what Express could not trust", () => {
    let refusal: unknown;
    try {
      trustedProxies("loopback,localhost,10.42.0.0/33,0.0.0.0/0,10.0.0.0/255.0.255.0,storefront");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigError);
    const message = (refusal as ConfigError).message;
    expect(message).toContain('TRUSTED_PROXIES: "localhost": invalid IP address: localhost; give IP addresses, CIDRs');
    for (const entry of ["10.42.0.0/33", "0.0.0.0/0", "10.0.0.0/255.0.255.0"])
      expect(message).toContain(`TRUSTED_PROXIES: "${entry}": invalid range on address: ${entry};`);
    expect(message).toContain('TRUSTED_PROXIES: "storefront": invalid IP address');
    expect(message).not.toContain('"loopback"');
  });
});

import { Role, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import { DELETED_ACCOUNT_MEMORY_MS, DeletedAccounts, refusingDeletedAccounts } from "./deleted-accounts";

describe("deleted accounts at the edge", () => {
  const verifier: AccessTokenVerifier = {
    verify: async (token) => ({ userId: token, roles: [Role.CUSTOMER], tokenId: `jti-${token}` }),
  };

  it("refuses a deleted account's token with UNAUTHENTICATED, and nobody else's", async () => {
    const accounts = new DeletedAccounts();
    const guarded = refusingDeletedAccounts(verifier, accounts);
    accounts.add("usr_gone");
    await expect(guarded.verify("usr_gone")).rejects.toMatchObject({
      message: "This account was deleted.",
      extensions: { code: "UNAUTHENTICATED" },
    });
    await expect(guarded.verify("usr_here")).resolves.toMatchObject({ userId: "usr_here" });
  });

  it("forgets an account once every token it was given has expired", () => {
    let now = 0;
    const accounts = new DeletedAccounts(() => now);
    accounts.add("usr_gone");
    now = DELETED_ACCOUNT_MEMORY_MS - 1;
    expect(accounts.has("usr_gone")).toBe(true);
    now = DELETED_ACCOUNT_MEMORY_MS;
    expect(accounts.has("usr_gone")).toBe(false);
  });
});

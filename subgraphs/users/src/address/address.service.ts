import { newId } from "@cartograph/service-kit";
import { type Viewer } from "@cartograph/service-kit/auth";
import {
  addressInputSchema,
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import type { UsersDb } from "../db";
import type { AddressRow } from "../db/schema";
import { AddressRepository } from "./address.repository";

export const MAX_ADDRESSES_PER_USER = 20;

export class AddressService {
  private readonly addresses: AddressRepository;

  constructor(private readonly db: UsersDb) {
    this.addresses = new AddressRepository(db);
  }

  async addAddress(viewer: Viewer, input: unknown): Promise<Outcome<AddressRow>> {
    const valid = validateInput(addressInputSchema, input, ["input"]);
    if (!valid.ok) return valid;
    const { isDefault, ...address } = valid.value;
    return this.db.transaction(async (tx) => {
      await this.addresses.lockUser(tx, viewer.userId);
      const existing = await this.addresses.countForUser(tx, viewer.userId);
      if (existing >= MAX_ADDRESSES_PER_USER) {
        return refuse(
          userError(
            UserErrorCode.INVALID,
            `You can keep at most ${MAX_ADDRESSES_PER_USER} addresses. Remove one first.`,
          ),
        );
      }
      const makeDefault = existing === 0 || isDefault === true;
      if (makeDefault) await this.addresses.clearDefault(tx, viewer.userId);
      return succeed(
        await this.addresses.insert(tx, {
          id: newId("adr"),
          userId: viewer.userId,
          ...address,
          isDefault: makeDefault,
        }),
      );
    });
  }

  async removeAddress(viewer: Viewer, id: string): Promise<Outcome<true>> {
    return this.db.transaction(async (tx) => {
      await this.addresses.lockUser(tx, viewer.userId);
      // Someone else's address reads as missing: its existence is not ours to reveal.
      const removed = await this.addresses.deleteOwned(tx, viewer.userId, id);
      if (!removed) return refuse(userError(UserErrorCode.NOT_FOUND, "You have no address with this id.", ["id"]));
      if (removed.isDefault) await this.addresses.promoteOldestToDefault(tx, viewer.userId);
      return succeed(true as const);
    });
  }
}

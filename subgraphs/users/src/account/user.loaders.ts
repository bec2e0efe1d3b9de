import { rowsByKey, rowsGroupedByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { AddressRepository } from "../address/address.repository";
import type { AddressRow, UserRow } from "../db/schema";
import type { AccountRepository } from "./account.repository";

export interface UserLoaders {
  userById: DataLoader<string, UserRow | null>;
  addressesByUserId: DataLoader<string, AddressRow[]>;
}

/** Per request: one query per entity type however many references a plan sends. */
export function createUserLoaders({
  accounts,
  addresses,
}: {
  accounts: AccountRepository;
  addresses: AddressRepository;
}): UserLoaders {
  return {
    userById: new DataLoader(async (ids) => rowsByKey(ids, await accounts.findByIds(ids), (user) => user.id)),
    addressesByUserId: new DataLoader(async (userIds) =>
      rowsGroupedByKey(userIds, await addresses.findByUserIds(userIds), (row) => row.userId),
    ),
  };
}

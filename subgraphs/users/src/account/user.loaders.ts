import { rowsByKey, rowsGroupedByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { AddressRow, UserRow } from "../db/schema";
import type { UsersServices } from "../context";

export interface UserLoaders {
  userById: DataLoader<string, UserRow | null>;
  addressesByUserId: DataLoader<string, AddressRow[]>;
}

/** Per request: one query per entity type however many references a plan sends. */
export function createUserLoaders(services: UsersServices): UserLoaders {
  return {
    userById: new DataLoader(async (ids) => rowsByKey(ids, await services.accounts.findByIds(ids), (user) => user.id)),
    addressesByUserId: new DataLoader(async (userIds) =>
      rowsGroupedByKey(userIds, await services.addresses.findByUserIds(userIds), (row) => row.userId),
    ),
  };
}

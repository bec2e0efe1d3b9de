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
    userById: new DataLoader(async (ids) => {
      const byId = new Map((await services.accounts.findByIds(ids)).map((user) => [user.id, user]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    addressesByUserId: new DataLoader(async (userIds) => {
      const rows = await services.addresses.findByUserIds(userIds);
      return userIds.map((userId) => rows.filter((row) => row.userId === userId));
    }),
  };
}

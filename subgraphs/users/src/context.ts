import type { RequestContext } from "@cartograph/service-kit/server";
import type { AccountService } from "./account/account.service";
import type { UserLoaders } from "./account/user.loaders";
import type { AddressService } from "./address/address.service";
import type { DataRequestLoaders } from "./data-request/data-request.loaders";
import type { DataRequestService } from "./data-request/data-request.service";
import type { SessionService } from "./session/session.service";

/** The domain services resolvers call, one per bounded context. */
export interface UsersServiceRegistry {
  accounts: AccountService;
  addresses: AddressService;
  sessions: SessionService;
  dataRequests: DataRequestService;
}

export interface UsersContext extends RequestContext {
  services: UsersServiceRegistry;
  loaders: UserLoaders & DataRequestLoaders;
  /** Users who signed in or registered in this very request: they may read their own private fields. */
  signedInNow: Set<string>;
}

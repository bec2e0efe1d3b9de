import { buildFederatedSchema } from "@cartograph/service-kit/graphql";
import type { GraphQLSchema } from "graphql";
import { UserResolver } from "./account/user.resolver";
import { userReferenceResolvers } from "./account/user.reference";
import { AddressResolver } from "./address/address.resolver";
import { DataRequestResolver, UserDataRequestsResolver } from "./data-request/data-request.resolver";
import { SessionResolver } from "./session/session.resolver";

export function buildUsersSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [UserResolver, AddressResolver, SessionResolver, DataRequestResolver, UserDataRequestsResolver],
    referenceResolvers: userReferenceResolvers,
  });
}

import type { ReferenceResolvers } from "@cartograph/service-kit/graphql";
import type { UsersContext } from "../context";

export const userReferenceResolvers: ReferenceResolvers = {
  User: {
    __resolveReference: (reference: { id: string }, context: UsersContext) =>
      context.loaders.userById.load(reference.id),
  },
};

import { requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, toPayload } from "@cartograph/service-kit/graphql";
import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { AddressPayload, RemoveAddressPayload } from "../account/account.payloads";
import type { UsersContext } from "../context";
import { Address, AddressInput } from "./address.type";

@Resolver(() => Address)
export class AddressResolver {
  @Authorized()
  @Mutation(() => AddressPayload)
  async addAddress(@Arg("input", () => AddressInput) input: AddressInput, @Ctx() ctx: UsersContext) {
    return toPayload("address", await ctx.services.addresses.addAddress(requireViewer(ctx.viewer), input));
  }

  @Authorized()
  @Mutation(() => RemoveAddressPayload)
  async removeAddress(@Arg("id", () => ID) id: string, @Ctx() ctx: UsersContext) {
    return toPayload("removed", await ctx.services.addresses.removeAddress(requireViewer(ctx.viewer), id));
  }
}

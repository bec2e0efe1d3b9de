import { forbidden } from "@cartograph/service-kit";
import { Role, requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, PrivateCache, SignedInOnly, toPayload } from "@cartograph/service-kit/graphql";
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { User } from "../account/user.type";
import type { UsersContext } from "../context";
import type { DataRequestRow, UserRow } from "../db/schema";
import { awaitingServices } from "./data-request.rules";
import {
  DataRequest,
  DataRequestAnswer,
  DataRequestConnection,
  DataRequestPageArgs,
  DataRequestPayload,
} from "./data-request.type";

@Resolver(() => DataRequest)
export class DataRequestResolver {
  @Authorized()
  @Mutation(() => DataRequestPayload, {
    description:
      "(signed in) Asks for a copy of everything Cartograph holds about you, from every service. A notification says when it can be downloaded (`me { dataRequests { document } }`). While one is being assembled, asking again returns it.",
  })
  async requestMyData(@Ctx() ctx: UsersContext) {
    return toPayload("dataRequest", await ctx.services.dataRequests.requestMyData(requireViewer(ctx.viewer)));
  }

  @Authorized()
  @Mutation(() => DataRequestPayload, {
    description:
      "(signed in) Deletes your account, confirmed with your password (`INVALID_CREDENTIALS` otherwise): you are signed out everywhere at once, and every service erases your personal data; orders and invoices are kept, anonymised, as accounting requires.",
  })
  async deleteMyAccount(@Arg("password", () => String) password: string, @Ctx() ctx: UsersContext) {
    return toPayload(
      "dataRequest",
      await ctx.services.dataRequests.deleteMyAccount(requireViewer(ctx.viewer), password),
    );
  }

  @Authorized(Role.ADMIN)
  @PrivateCache()
  @Query(() => DataRequestConnection, {
    description:
      "(admin) The audit trail of customers' data requests, newest first: who answered, and what was erased.",
  })
  dataRequests(@Args(() => DataRequestPageArgs) args: DataRequestPageArgs, @Ctx() ctx: UsersContext) {
    return ctx.services.dataRequests.listRequests(args);
  }

  @FieldResolver(() => ID)
  customerId(@Root() request: DataRequestRow): string {
    return request.userId;
  }

  @FieldResolver(() => [DataRequestAnswer])
  async answers(@Root() request: DataRequestRow, @Ctx() ctx: UsersContext): Promise<DataRequestAnswer[]> {
    const rows = await ctx.loaders.answersByRequestId.load(request.id);
    return rows
      .map((row) => ({
        service: row.service,
        answeredAt: row.receivedAt,
        // Sorted: a jsonb object keeps no key order.
        erased: row.summary
          ? Object.entries(row.summary)
              .map(([kind, count]) => ({ kind, count }))
              .sort((a, b) => a.kind.localeCompare(b.kind))
          : null,
      }))
      .sort((a, b) => a.answeredAt.getTime() - b.answeredAt.getTime() || a.service.localeCompare(b.service));
  }

  @FieldResolver(() => [String])
  async awaitingServices(@Root() request: DataRequestRow, @Ctx() ctx: UsersContext): Promise<string[]> {
    return awaitingServices((await ctx.loaders.answersByRequestId.load(request.id)).map((row) => row.service));
  }

  @FieldResolver(() => String, { nullable: true })
  async document(@Root() request: DataRequestRow, @Ctx() ctx: UsersContext): Promise<string | null> {
    // The customer's data is theirs: an admin reading the trail sees that it exists, not what it says.
    if (ctx.viewer?.userId !== request.userId) return null;
    return ctx.services.dataRequests.exportDocument(request);
  }
}

@Resolver(() => User)
export class UserDataRequestsResolver {
  @SignedInOnly()
  @PrivateCache()
  @FieldResolver(() => [DataRequest], {
    description: "(the user alone) Their data requests, newest first.",
  })
  async dataRequests(@Root() user: UserRow, @Ctx() ctx: UsersContext): Promise<DataRequestRow[]> {
    if (requireViewer(ctx.viewer).userId !== user.id) throw forbidden("Only the customer can see their data requests.");
    return ctx.services.dataRequests.requestsOf(user.id);
  }
}

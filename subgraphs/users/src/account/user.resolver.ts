import { unauthenticated } from "@cartograph/service-kit";
import { Role, requireOwnerOrAdmin, requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, toPayload, PrivateCache } from "@cartograph/service-kit/graphql";
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { ConnectionType, PageArgs } from "@cartograph/service-kit/graphql";
import type { UsersContext } from "../context";
import type { UserRow } from "../db/schema";
import { Address } from "../address/address.type";
import { UpdateProfileInput, UserPayload } from "./account.payloads";
import { User } from "./user.type";

@ObjectType()
export class UserConnection extends ConnectionType(User, "User") {}

@Resolver(() => User)
export class UserResolver {
  @PrivateCache()
  @Query(() => User, { nullable: true, description: "The signed-in user, or null when signed out." })
  async me(@Ctx() ctx: UsersContext): Promise<UserRow | null> {
    if (!ctx.viewer) return null;
    const user = await ctx.loaders.userById.load(ctx.viewer.userId);
    // Users knows of a deletion at once; the router refuses the token everywhere once it hears
    // `user.deleted` a moment later.
    if (user?.deletedAt) throw unauthenticated("This account was deleted.");
    return user;
  }

  @Authorized(Role.ADMIN)
  @PrivateCache()
  @Query(() => User, { nullable: true, description: "(admin)" })
  user(@Arg("id", () => ID) id: string, @Ctx() ctx: UsersContext): Promise<UserRow | null> {
    return ctx.loaders.userById.load(id);
  }

  @Authorized(Role.ADMIN)
  @PrivateCache()
  @Query(() => UserConnection, { description: "(admin) Newest first." })
  users(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: UsersContext) {
    return ctx.services.accounts.listUsers(args);
  }

  @Authorized()
  @Mutation(() => UserPayload)
  async updateProfile(@Arg("input", () => UpdateProfileInput) input: UpdateProfileInput, @Ctx() ctx: UsersContext) {
    return toPayload("user", await ctx.services.accounts.updateProfile(requireViewer(ctx.viewer), input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UserPayload, { description: "(admin) Replaces the user's roles." })
  async setUserRoles(
    @Arg("userId", () => ID) userId: string,
    @Arg("roles", () => [Role]) roles: Role[],
    @Ctx() ctx: UsersContext,
  ) {
    return toPayload("user", await ctx.services.accounts.setUserRoles(requireViewer(ctx.viewer), userId, roles));
  }

  // Contact details and roles are the user's own business (and admins').
  private guardPrivate(user: UserRow, ctx: UsersContext): void {
    if (!ctx.signedInNow.has(user.id)) requireOwnerOrAdmin(ctx.viewer, user.id);
  }

  @PrivateCache()
  @FieldResolver(() => String)
  email(@Root() user: UserRow, @Ctx() ctx: UsersContext): string {
    this.guardPrivate(user, ctx);
    return user.email;
  }

  @PrivateCache()
  @FieldResolver(() => [Role])
  roles(@Root() user: UserRow, @Ctx() ctx: UsersContext): Role[] {
    this.guardPrivate(user, ctx);
    return user.roles as Role[];
  }

  @PrivateCache()
  @FieldResolver(() => [Address])
  addresses(@Root() user: UserRow, @Ctx() ctx: UsersContext) {
    this.guardPrivate(user, ctx);
    return ctx.loaders.addressesByUserId.load(user.id);
  }
}

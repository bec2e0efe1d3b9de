import type { Outcome } from "@cartograph/service-kit/graphql";
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { UsersContext } from "../context";
import type { IssuedSession } from "./session.service";
import { AuthPayload, LogoutPayload, RegisterInput } from "./session.type";

function authPayload(outcome: Outcome<IssuedSession>, ctx: UsersContext) {
  if (outcome.ok) {
    ctx.signedInNow.add(outcome.value.user.id);
    return { ...outcome.value, userErrors: [] };
  }
  return { accessToken: null, refreshToken: null, expiresIn: null, user: null, userErrors: outcome.errors };
}

@Resolver()
export class SessionResolver {
  @Mutation(() => AuthPayload, { description: "Creates a CUSTOMER account and signs it in." })
  async register(@Arg("input", () => RegisterInput) input: RegisterInput, @Ctx() ctx: UsersContext) {
    return authPayload(await ctx.services.sessions.register(input), ctx);
  }

  @Mutation(() => AuthPayload)
  async login(
    @Arg("email", () => String) email: string,
    @Arg("password", () => String) password: string,
    @Ctx() ctx: UsersContext,
  ) {
    return authPayload(await ctx.services.sessions.login(email, password), ctx);
  }

  @Mutation(() => AuthPayload, {
    description: "Rotates: the given token is spent. Reusing a spent one ends the session everywhere.",
  })
  async refreshToken(@Arg("refreshToken", () => String) refreshToken: string, @Ctx() ctx: UsersContext) {
    return authPayload(await ctx.services.sessions.refresh(refreshToken), ctx);
  }

  @Mutation(() => LogoutPayload)
  async logout(@Arg("refreshToken", () => String) refreshToken: string, @Ctx() ctx: UsersContext) {
    const outcome = await ctx.services.sessions.logout(refreshToken);
    return outcome.ok ? { success: true, userErrors: [] } : { success: null, userErrors: outcome.errors };
  }
}

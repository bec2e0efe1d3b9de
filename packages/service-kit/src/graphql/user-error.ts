import "reflect-metadata";
import { Directive, Field, Int, ObjectType, registerEnumType } from "type-graphql";
import type { z } from "zod";

/** Every user-fixable failure across the supergraph, one registry (API.md). */
export enum UserErrorCode {
  INVALID = "INVALID",
  TAKEN = "TAKEN",
  NOT_FOUND = "NOT_FOUND",
  INVALID_CREDENTIALS = "INVALID_CREDENTIALS",
  INVALID_TOKEN = "INVALID_TOKEN",
  OUT_OF_STOCK = "OUT_OF_STOCK",
  COUPON_INVALID = "COUPON_INVALID",
  PAYMENT_DECLINED = "PAYMENT_DECLINED",
  ALREADY_REVIEWED = "ALREADY_REVIEWED",
  INVALID_STATE = "INVALID_STATE",
  IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT",
}
registerEnumType(UserErrorCode, { name: "UserErrorCode", description: "Why a mutation could not do what was asked." });

@ObjectType({ description: "A problem the user can fix, returned in a mutation payload." })
@Directive("@shareable")
// Free to ask for: a payload's list of problems is small, and throttling should not tax it.
@Directive("@cost(weight: 0)")
export class UserError {
  @Field(() => UserErrorCode)
  code!: UserErrorCode;

  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "email"].' })
  field?: string[] | null;

  @Field(() => String)
  message!: string;

  @Field(() => Int, {
    nullable: true,
    description: "OUT_OF_STOCK: how many units can be had now (0 when none); null for other codes.",
  })
  quantityAvailable?: number | null;
}

export function userError(
  code: UserErrorCode,
  message: string,
  field?: string[],
  details: { quantityAvailable?: number } = {},
): UserError {
  return Object.assign(new UserError(), {
    code,
    message,
    field: field ?? null,
    quantityAvailable: details.quantityAvailable ?? null,
  });
}

/** A service's answer to a command: the value, or the user-fixable reasons it was refused. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: UserError[] };

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refuse = <T = never>(...errors: UserError[]): Outcome<T> => ({ ok: false, errors });

/** Turns zod issues into INVALID user errors, each naming its input field. */
export function userErrorsFromZod(error: z.ZodError, fieldPrefix: string[] = []): UserError[] {
  return error.issues.map((issue) =>
    userError(UserErrorCode.INVALID, issue.message, [...fieldPrefix, ...issue.path.map((segment) => String(segment))]),
  );
}

/** Validates input with zod; the refusal names each bad field. */
export function validateInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  fieldPrefix: string[] = [],
): Outcome<z.infer<S>> {
  const parsed = schema.safeParse(input);
  return parsed.success ? succeed(parsed.data) : refuse(...userErrorsFromZod(parsed.error, fieldPrefix));
}

/** Shapes an outcome into a `<Name>Payload`: the result field, or null and the user errors. */
export function toPayload<K extends string, T>(
  key: K,
  outcome: Outcome<T>,
): { [P in K]: T | null } & { userErrors: UserError[] } {
  const result = outcome.ok ? outcome.value : null;
  return { [key]: result, userErrors: outcome.ok ? [] : outcome.errors } as { [P in K]: T | null } & {
    userErrors: UserError[];
  };
}

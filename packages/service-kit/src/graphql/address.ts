import "reflect-metadata";
import { InheritCache } from "./cache";
import countries from "i18n-iso-countries";
import { Directive, Field, ID, InputType, ObjectType } from "type-graphql";
import { z } from "zod";

/** A postal address: a user's saved one (users) or an order's shipping snapshot (orders). */
@ObjectType({ description: "A postal address." })
@Directive("@shareable")
@InheritCache()
export class Address {
  @Field(() => ID) id!: string;
  @Field(() => String) line1!: string;
  @Field(() => String, { nullable: true }) line2!: string | null;
  @Field(() => String) city!: string;
  @Field(() => String) postalCode!: string;
  @Field(() => String, { description: 'ISO 3166-1 alpha-2 code, e.g. "US".' }) country!: string;
  @Field(() => Boolean) isDefault!: boolean;
}

@InputType()
export class AddressInput {
  @Field(() => String) line1!: string;
  @Field(() => String, { nullable: true }) line2?: string | null;
  @Field(() => String) city!: string;
  @Field(() => String) postalCode!: string;
  @Field(() => String, { description: 'ISO 3166-1 alpha-2 code, e.g. "US".' }) country!: string;
  @Field(() => Boolean, {
    nullable: true,
    description: "Make this the default address. A user's first address is always the default.",
  })
  isDefault?: boolean | null;
}

const line = (label: string, max: number) =>
  z.string().trim().min(1, `${label} cannot be empty.`).max(max, `${label} must be at most ${max} characters.`);

/** What a valid address is, everywhere: trimmed lines, a plausible postal code, a real country. */
export const addressInputSchema = z.object({
  line1: line("Address line 1", 200),
  line2: z
    .string()
    .trim()
    .max(200, "Address line 2 must be at most 200 characters.")
    .nullish()
    .transform((value) => value || null),
  city: line("City", 100),
  postalCode: line("Postal code", 20).regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, "Enter a valid postal code."),
  country: z
    .string()
    .trim()
    .transform((code) => code.toUpperCase())
    .refine(
      (code) => /^[A-Z]{2}$/.test(code) && countries.isValid(code),
      "Use an ISO 3166-1 alpha-2 country code, such as US.",
    ),
  isDefault: z.boolean().nullish(),
});

export type ValidAddress = z.infer<typeof addressInputSchema>;

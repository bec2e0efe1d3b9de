import { MoneyFormatError, parseMoney } from "@cartograph/service-kit";
import { z } from "zod";
import { SLUG_PATTERN } from "./slug";

const text = (label: string, max: number) =>
  z.string().trim().min(1, `${label} cannot be empty.`).max(max, `${label} must be at most ${max} characters.`);

const tags = z
  .array(z.string().trim().toLowerCase().min(1, "Tags cannot be empty.").max(40, "Tags must be at most 40 characters."))
  .max(20, "A product has at most 20 tags.")
  .transform((list) => [...new Set(list)]);

const images = z
  .array(
    z.object({
      url: z
        .string()
        .trim()
        .max(2000)
        .refine((url) => /^https?:\/\//i.test(url) && URL.canParse(url), "Images need an http(s) URL."),
      alt: z
        .string()
        .trim()
        .max(200)
        .nullish()
        .transform((alt) => alt || null),
    }),
  )
  .max(20, "A product has at most 20 images.");

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .max(80, "The slug must be at most 80 characters.")
  .regex(SLUG_PATTERN, 'Use lowercase letters, digits and hyphens, e.g. "oak-desk".');

/** A price in the store currency: positive, at most the currency's minor digits. */
export const priceIn = (currencyCode: string) =>
  z.string().transform((amount, ctx) => {
    try {
      const minor = parseMoney(amount, currencyCode);
      if (minor <= 0) ctx.addIssue({ code: "custom", message: "The price must be more than zero." });
      return minor;
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: error instanceof MoneyFormatError ? error.message : "Enter a price such as 19.99.",
      });
      return z.NEVER;
    }
  });

export const variantInputSchema = (currencyCode: string) =>
  z.object({
    sku: z
      .string()
      .trim()
      .min(1, "The SKU cannot be empty.")
      .max(64, "The SKU must be at most 64 characters.")
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "SKUs use letters, digits, dots, dashes and underscores."),
    title: text("The variant title", 200),
    price: priceIn(currencyCode),
    options: z
      .array(z.object({ name: text("The option name", 50), value: text("The option value", 100) }))
      .max(5, "A variant has at most 5 options.")
      .nullish()
      .transform((options) => options ?? []),
  });

export const createProductSchema = (currencyCode: string) =>
  z
    .object({
      name: text("The name", 200),
      slug: slug.nullish(),
      description: text("The description", 10_000),
      brand: z
        .string()
        .trim()
        .max(100)
        .nullish()
        .transform((brand) => brand || null),
      tags: tags.nullish().transform((list) => list ?? []),
      categoryId: z
        .string()
        .nullish()
        .transform((id) => id ?? null),
      images: images.nullish().transform((list) => list ?? []),
      variants: z
        .array(variantInputSchema(currencyCode))
        .min(1, "A product needs at least one variant.")
        .max(100, "A product has at most 100 variants."),
    })
    .superRefine((input, ctx) => {
      const seen = new Map<string, number>();
      input.variants.forEach((variant, index) => {
        const key = variant.sku.toLowerCase();
        if (seen.has(key))
          ctx.addIssue({
            code: "custom",
            path: ["variants", index, "sku"],
            message: `The SKU ${variant.sku} appears twice.`,
          });
        seen.set(key, index);
      });
    });

/** What an admin may change of a variant: its title and its price (the SKU and options identify it). */
export const updateVariantSchema = (currencyCode: string) =>
  z.object({
    title: text("The variant title", 200).nullish(),
    price: priceIn(currencyCode).nullish(),
  });

export const updateProductSchema = z.object({
  name: text("The name", 200).nullish(),
  description: text("The description", 10_000).nullish(),
  brand: z.string().trim().max(100).nullish(),
  tags: tags.nullish(),
  categoryId: z.string().nullish(),
  images: images.nullish(),
  active: z.boolean().nullish(),
});

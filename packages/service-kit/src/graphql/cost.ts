import { Directive } from "type-graphql";

/**
 * Hints for the router's cost throttling (federation's `@listSize` and `@cost`), where its
 * defaults are wrong: an unsized list is assumed to hold 10 items, and every object costs 1.
 */

/** This list usually holds about `size` items (a product's variants, a category's children). */
export const AssumedListSize = (size: number): MethodDecorator & PropertyDecorator =>
  Directive(`@listSize(assumedSize: ${size}, requireOneSlicingArgument: false)`);

/** Each object of this type, or this field, costs `weight` points instead of 1. */
export const Cost = (weight: number): MethodDecorator & PropertyDecorator & ClassDecorator =>
  Directive(`@cost(weight: ${weight})`);

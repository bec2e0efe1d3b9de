// The address types are shared with orders (shipping addresses): see @cartograph/service-kit.
export { Address, AddressInput } from "@cartograph/service-kit/graphql";

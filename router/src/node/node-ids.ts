/**
 * The global ids the API already uses carry their type in a prefix (`prd_…`, newId in
 * service-kit): the router reads it to send `node(id:)` to the subgraph that owns the type.
 */
export const NODE_TYPES_BY_PREFIX = {
  prd: "Product",
  var: "ProductVariant",
  cat: "Category",
  usr: "User",
  ord: "Order",
  pay: "Payment",
  rev: "Review",
  ntf: "Notification",
} as const;

export type NodeTypeName = (typeof NODE_TYPES_BY_PREFIX)[keyof typeof NODE_TYPES_BY_PREFIX];

export const NODE_TYPE_NAMES: readonly NodeTypeName[] = Object.values(NODE_TYPES_BY_PREFIX);

/** The type an id names, or null when its prefix is no node type's (or it has none). */
export function nodeTypeOf(id: string): NodeTypeName | null {
  const separator = id.indexOf("_");
  if (separator <= 0) return null;
  const prefix = id.slice(0, separator);
  return Object.hasOwn(NODE_TYPES_BY_PREFIX, prefix)
    ? NODE_TYPES_BY_PREFIX[prefix as keyof typeof NODE_TYPES_BY_PREFIX]
    : null;
}

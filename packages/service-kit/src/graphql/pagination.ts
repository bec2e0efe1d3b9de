import "reflect-metadata";
import { InheritCache } from "./cache";
import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from "type-graphql";
import { badUserInput } from "../errors";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ description: "Relay pagination state of a connection." })
@Directive("@shareable")
@InheritCache()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

/** `first` / `after` of every connection field; list arguments with filters extend it. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Defaults to ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}.` })
  first?: number | null;
  @Field(() => String, { nullable: true }) after?: string | null;
}

/** The position a cursor marks: the values of the sort key, last one the id (stable tiebreak). */
export type CursorKey = ReadonlyArray<string | number>;

const CURSOR_VERSION = "c1";

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, ...key]), "utf8").toString("base64url");
}

/** Decodes a cursor, or throws BAD_USER_INPUT: a cursor is data, never SQL, and never trusted. */
export function decodeCursor(cursor: string, expectedLength: number): CursorKey {
  const malformed = () => badUserInput("The `after` cursor is malformed.", "after");
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw malformed();
  }
  if (!Array.isArray(decoded) || decoded[0] !== CURSOR_VERSION || decoded.length !== expectedLength + 1)
    throw malformed();
  const key = decoded.slice(1);
  if (!key.every((part) => typeof part === "string" || (typeof part === "number" && Number.isFinite(part))))
    throw malformed();
  return key as CursorKey;
}

export interface PageRequest {
  /** Rows to return. */
  limit: number;
  /** Keyset position to continue after, or null for the first page. */
  after: CursorKey | null;
}

/** Validates `first`/`after`: first defaults to 20, must be 0..100; a malformed cursor is BAD_USER_INPUT. */
export function parsePageArgs(
  args: { first?: number | null; after?: string | null },
  cursorLength: number,
): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}.`, "first");
  }
  return { limit: first, after: args.after ? decodeCursor(args.after, cursorLength) : null };
}

/** A count, or a lazy count that runs only if the client selects `totalCount` (see `lazy`). */
export type TotalCount = number | PromiseLike<number>;

/**
 * A value computed only when first awaited. GraphQL awaits a field's value only if the
 * operation selects that field, so an expensive count or facet nobody asked for costs nothing.
 */
export function lazy<T>(compute: () => Promise<T>): PromiseLike<T> {
  let started: Promise<T> | undefined;
  return {
    then: (onFulfilled, onRejected) => (started ??= compute()).then(onFulfilled, onRejected),
  };
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: TotalCount;
}

/**
 * Builds a connection from rows fetched with `limit + 1` (the extra row only tells whether a next
 * page exists) and the total count of the whole filtered list (often `lazy`).
 */
export function buildConnection<T>(
  rows: T[],
  page: PageRequest,
  totalCount: TotalCount,
  cursorKeyOf: (row: T) => CursorKey,
): Connection<T> {
  const nodes = rows.slice(0, page.limit);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(cursorKeyOf(node)), node }));
  return {
    edges,
    nodes,
    totalCount,
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: rows.length > page.limit,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    }),
  };
}

/**
 * Declares `<Name>Connection` and `<Name>Edge` for a node type. Subclass it to add fields
 * (e.g. facets). The base itself is never reachable from a schema, so it is never emitted.
 */
export function ConnectionType<TNode extends object>(nodeType: ClassType<TNode>, name: string) {
  @ObjectType(`${name}Edge`)
  @InheritCache()
  class Edge {
    @Field(() => String) cursor!: string;
    @Field(() => nodeType) node!: TNode;
  }

  @ObjectType(`${name}ConnectionBase`)
  @InheritCache()
  abstract class ConnectionBase implements Connection<TNode> {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => [nodeType]) nodes!: TNode[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { description: "How many nodes the whole list has, across all pages." }) totalCount!: TotalCount;
  }
  return ConnectionBase;
}

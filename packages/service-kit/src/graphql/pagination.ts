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

/**
 * `first`/`after` (forward) and `last`/`before` (backward) of every connection field; list
 * arguments with filters extend it.
 */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Defaults to ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}.` })
  first?: number | null;
  @Field(() => String, { nullable: true }) after?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: `The last nodes, before \`before\` (or of the whole list); defaults to ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}. Not with \`first\`/\`after\`.`,
  })
  last?: number | null;
  @Field(() => String, { nullable: true, description: "A cursor: the nodes just before it (with `last`)." })
  before?: string | null;
}

/** The position a cursor marks: the values of the sort key, last one the id (stable tiebreak). */
export type CursorKey = ReadonlyArray<string | number>;

const CURSOR_VERSION = "c1";

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, ...key]), "utf8").toString("base64url");
}

/** Decodes a cursor, or throws BAD_USER_INPUT: a cursor is data, never SQL, and never trusted. */
export function decodeCursor(
  cursor: string,
  expectedLength: number,
  argument: "after" | "before" = "after",
): CursorKey {
  const malformed = () => badUserInput(`The \`${argument}\` cursor is malformed.`, argument);
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
  /** Forward: the keyset position to continue after, or null for the first page. */
  after: CursorKey | null;
  /** Backward: the keyset position to read before, or null for the last page. */
  before: CursorKey | null;
  /**
   * `last`/`before`: the rows are read from the end towards the start (the list's order
   * reversed, beyond `before`), and `buildConnection` puts them back in the list's order.
   */
  backward: boolean;
}

/** What a connection field's pagination arguments carry (a `PageArgs`, or a subclass of it). */
export type PageArgsInput = Pick<PageArgs, "first" | "after" | "last" | "before">;

/**
 * Validates `first`/`after` or `last`/`before`: a page size defaults to 20 and must be 0..100;
 * both directions at once, or a malformed cursor, is BAD_USER_INPUT.
 */
export function parsePageArgs(args: PageArgsInput, cursorLength: number): PageRequest {
  const forward = args.first != null || args.after != null;
  const backward = args.last != null || args.before != null;
  if (forward && backward)
    throw badUserInput(
      "Page forward with `first`/`after` or backward with `last`/`before`, not both.",
      args.last != null ? "last" : "before",
    );
  const size = (value: number | null | undefined, argument: "first" | "last") => {
    const limit = value ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE)
      throw badUserInput(`\`${argument}\` must be between 0 and ${MAX_PAGE_SIZE}.`, argument);
    return limit;
  };
  if (backward)
    return {
      limit: size(args.last, "last"),
      after: null,
      before: args.before ? decodeCursor(args.before, cursorLength, "before") : null,
      backward: true,
    };
  return {
    limit: size(args.first, "first"),
    after: args.after ? decodeCursor(args.after, cursorLength) : null,
    before: null,
    backward: false,
  };
}

/** The cursor a page reads beyond, in its reading direction: `after`, or `before` going backward. */
export function pageCursor(page: PageRequest): CursorKey | null {
  return page.backward ? page.before : page.after;
}

/**
 * The direction to read rows in: the list's own, or its reverse for a backward page (the last
 * rows first, so `limit + 1` of them are the ones just before the cursor, or the list's end).
 */
export function readsDescending(page: PageRequest, listDescending: boolean): boolean {
  return listDescending !== page.backward;
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
 * Builds a connection from rows fetched with `limit + 1` in reading order (the extra row only
 * tells whether another page exists that way) and the total count of the whole filtered list
 * (often `lazy`). A backward page's rows come last-first and are put back in the list's order.
 */
export function buildConnection<T>(
  rows: T[],
  page: PageRequest,
  totalCount: TotalCount,
  cursorKeyOf: (row: T) => CursorKey,
): Connection<T> {
  const taken = rows.slice(0, page.limit);
  const nodes = page.backward ? taken.reverse() : taken;
  const more = rows.length > page.limit;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(cursorKeyOf(node)), node }));
  return {
    edges,
    nodes,
    totalCount,
    pageInfo: Object.assign(new PageInfo(), {
      // Beyond the cursor one came from there is always more: the node the cursor marks.
      hasNextPage: page.backward ? page.before !== null : more,
      hasPreviousPage: page.backward ? more : page.after !== null,
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

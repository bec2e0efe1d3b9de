import { getOperationAST, print, type DocumentNode } from "graphql";
import { createClient, type Client } from "graphql-ws";
import { getSdk, type Requester } from "./generated/sdk";
import { trustedDocumentIds } from "./generated/trusted-document-ids";

export * from "./generated/documents";
export * from "./generated/sdk";

/** One error of a GraphQL response, as the router sends it. */
export interface CartographErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

/** Thrown when a response carries top-level errors; keeps the partial data and every error. */
export class CartographRequestError extends Error {
  constructor(
    readonly errors: CartographErrorEntry[],
    readonly data: unknown,
    readonly status: number,
  ) {
    super(errors.map((error) => `${error.extensions?.code ?? "ERROR"}: ${error.message}`).join("; "));
    this.name = "CartographRequestError";
  }

  /** The codes of all errors, e.g. ["UNAUTHENTICATED"]. */
  get codes(): string[] {
    return this.errors.map((error) => error.extensions?.code ?? "UNKNOWN");
  }
}

export interface CartographClientOptions {
  /** The router's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** Sent as `Authorization: Bearer …`; a function is read on every request (tokens rotate). */
  accessToken?: string | null | (() => string | null | undefined);
  /**
   * Called when a request is refused as UNAUTHENTICATED (an expired access token): resolves to a
   * new access token, with which the request is sent once more, or to null to give up (the
   * request's error is thrown). Concurrent failures share one call. The new token is used from
   * then on, unless `accessToken` is a function (then it is read as before: update what it reads).
   * The router refuses an expired token even on `refreshToken`: refresh through a client without
   * `accessToken`, never through this one.
   */
  refreshAccessToken?: () => Promise<string | null>;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** For subscriptions outside browsers (Node 20 has no global WebSocket): e.g. `WebSocket` from "ws". */
  webSocketImpl?: unknown;
  /**
   * Send each operation as its trusted document id rather than its text (default true): smaller
   * requests, and the only way through a router that runs trusted documents only. Where the router
   * does not know an id, the text follows (APQ).
   */
  trustedDocuments?: boolean;
}

/** Per-call options of every SDK method. */
export interface CartographRequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The typed SDK: one method per operation in packages/client/operations. */
export function createCartographClient(options: CartographClientOptions) {
  const doFetch = options.fetch ?? fetch;
  let refreshed: string | null = null;
  let refreshing: Promise<string | null> | null = null;
  const accessToken = (): string | null =>
    (typeof options.accessToken === "function" ? options.accessToken() : (refreshed ?? options.accessToken)) ?? null;
  /** A token newer than the refused one `sent`: another request's refresh, or one started now. */
  const refresh = (sent: string | null): Promise<string | null> => {
    const current = accessToken();
    if (refreshing) return refreshing;
    if (current && current !== sent) return Promise.resolve(current);
    const refreshAccessToken = options.refreshAccessToken;
    if (!refreshAccessToken) return Promise.resolve(null);
    refreshing = refreshAccessToken()
      .then((token) => {
        if (token) refreshed = token;
        return token;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  };
  const printed = new WeakMap<DocumentNode, string>();
  const byId = options.trustedDocuments ?? true;
  /** The operation's trusted document id, when the SDK sends ids and has one for it. */
  const idOf = (document: DocumentNode): string | undefined => {
    const name = byId ? getOperationAST(document)?.name?.value : undefined;
    return name ? trustedDocumentIds[name] : undefined;
  };
  const persisted = (id: string) => ({ persistedQuery: { version: 1, sha256Hash: id } });
  const queryText = (document: DocumentNode) => {
    let text = printed.get(document);
    if (text === undefined) printed.set(document, (text = print(document)));
    return text;
  };
  let socket: Client | null = null;
  // Subscriptions go over graphql-ws on the same URL; one socket per client, opened on first use.
  const subscribe = <R>(document: DocumentNode, variables: unknown): AsyncIterable<R> => {
    socket ??= createClient({
      url: options.url.replace(/^http/, "ws"),
      webSocketImpl: options.webSocketImpl,
      lazy: true,
      // Read at every (re)connection, so a reconnect after a refresh sends the new token.
      connectionParams: () => {
        const token = accessToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    });
    const id = idOf(document);
    const iterator = socket.iterate<R>({
      query: id ? "" : queryText(document),
      variables: variables as Record<string, unknown>,
      ...(id ? { extensions: persisted(id) } : {}),
    });
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          const step = await iterator.next().catch((error: unknown) => {
            // graphql-ws rejects a refused subscription with the GraphQL errors themselves.
            if (Array.isArray(error)) throw new CartographRequestError(error as CartographErrorEntry[], null, 200);
            throw error;
          });
          if (step.done) return { done: true, value: undefined };
          if (step.value.errors?.length)
            throw new CartographRequestError(step.value.errors as CartographErrorEntry[], step.value.data ?? null, 200);
          return { done: false, value: step.value.data as R };
        },
        return: async () => {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      }),
    };
  };
  const requester = (<R, V>(document: DocumentNode, variables?: V, call?: CartographRequestOptions) => {
    if (getOperationAST(document)?.operation === "subscription") return subscribe<R>(document, variables);
    return query<R, V>(document, variables, call);
  }) as Requester<CartographRequestOptions>;
  const post = async (payload: Record<string, unknown>, token: string | null, call?: CartographRequestOptions) => {
    const response = await doFetch(options.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...options.headers,
        ...call?.headers,
      },
      body: JSON.stringify(payload),
      signal: call?.signal ?? null,
    });
    const body = (await response.json().catch(() => null)) as {
      data?: unknown;
      errors?: CartographErrorEntry[];
    } | null;
    return { response, body };
  };
  const query = async <R, V>(document: DocumentNode, variables?: V, call?: CartographRequestOptions): Promise<R> => {
    const sent = accessToken();
    try {
      return await send<R, V>(document, variables, sent, call);
    } catch (error) {
      if (!options.refreshAccessToken || !(error instanceof CartographRequestError)) throw error;
      if (!error.codes.includes("UNAUTHENTICATED")) throw error;
      const token = await refresh(sent);
      if (!token) throw error;
      return send<R, V>(document, variables, token, call);
    }
  };
  const send = async <R, V>(
    document: DocumentNode,
    variables: V | undefined,
    token: string | null,
    call?: CartographRequestOptions,
  ): Promise<R> => {
    const id = idOf(document);
    let { response, body } = await post(
      id ? { variables, extensions: persisted(id) } : { query: queryText(document), variables },
      token,
      call,
    );
    if (id && body?.errors?.some((error) => error.extensions?.code === "PERSISTED_QUERY_NOT_FOUND")) {
      // A router that does not know this id (an older deployment): send the text with it (APQ).
      ({ response, body } = await post(
        { query: queryText(document), variables, extensions: persisted(id) },
        token,
        call,
      ));
    }
    if (!body)
      throw new CartographRequestError(
        [{ message: `HTTP ${response.status} without a GraphQL body` }],
        null,
        response.status,
      );
    if (body.errors?.length) throw new CartographRequestError(body.errors, body.data ?? null, response.status);
    return body.data as R;
  };
  return Object.assign(getSdk(requester), {
    /** Closes the subscription socket, if one was opened. */
    dispose: async () => {
      await socket?.dispose();
    },
  });
}

export type CartographClient = ReturnType<typeof createCartographClient>;

import { trustedDocumentIds } from "@cartograph/client/trusted-document-ids";
import { RefreshTokenDocument } from "@cartograph/client/documents";
import { authExchange } from "@urql/exchange-auth";
import { persistedExchange } from "@urql/exchange-persisted";
import type { DocumentNode } from "graphql";
import { createClient as createSocket } from "graphql-ws";
import { Client, fetchExchange, subscriptionExchange, type Operation } from "urql";
import { getSession, sessionFrom, setSession } from "./session";

/**
 * The shop's GraphQL client: urql over the SDK's typed documents, on the page's own origin
 * (server.ts and Vite's dev server pass /graphql to the router).
 *
 * Every operation is one of the SDK's, so each is a trusted document: it is sent as its id only
 * (APQ's `extensions.persistedQuery`), and a router running TRUSTED_DOCUMENTS=only answers it.
 * There is no normalized cache: it would add `__typename` to every selection and so change the
 * text the ids stand for. Pages ask again after a change instead (`reexecute`).
 */
const endpoint = "/graphql";

const operationName = (document: DocumentNode): string | undefined => {
  // The string, not graphql's Kind enum: importing graphql's runtime would ship all of it.
  for (const definition of document.definitions)
    if (definition.kind === "OperationDefinition") return definition.name?.value;
  return undefined;
};

/** The SDK's id for an operation (by name); the id is the sha256 of the text the router keeps for it. */
const trustedIdNamed = (name: string | undefined): string | undefined => (name ? trustedDocumentIds[name] : undefined);

export function trustedIdOf(document: DocumentNode): string | undefined {
  return trustedIdNamed(operationName(document));
}

const persisted = (id: string) => ({ persistedQuery: { version: 1, sha256Hash: id } });

const socket = createSocket({
  url: () => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${endpoint}`,
  lazy: true,
  // Read at every (re)connection, so a reconnect after a refresh sends the new token.
  connectionParams: () => {
    const session = getSession();
    return session ? { authorization: `Bearer ${session.accessToken}` } : {};
  },
});

const isRefresh = (operation: Operation) => operationName(operation.query) === "RefreshToken";

export const client = new Client({
  url: endpoint,
  exchanges: [
    authExchange(async (utils) => ({
      addAuthToOperation(operation) {
        const session = getSession();
        // The router refuses an expired token even on refreshToken: that one goes without it.
        if (!session || isRefresh(operation)) return operation;
        return utils.appendHeaders(operation, { authorization: `Bearer ${session.accessToken}` });
      },
      // Refresh a little before expiry rather than after a refusal, when it can be foreseen.
      willAuthError(operation) {
        const session = getSession();
        return !!session && !isRefresh(operation) && session.expiresAt - 10_000 < Date.now();
      },
      didAuthError(error) {
        return error.graphQLErrors.some((entry) => entry.extensions?.code === "UNAUTHENTICATED");
      },
      // Concurrent refusals share this one call (the exchange queues them meanwhile).
      async refreshAuth() {
        const session = getSession();
        if (!session) return;
        const result = await utils.mutate(RefreshTokenDocument, { refreshToken: session.refreshToken });
        const payload = result.data?.refreshToken;
        // A refused refresh token (expired, signed out elsewhere) ends the session.
        setSession(payload ? sessionFrom(payload) : result.error?.networkError ? session : null);
      },
    })),
    persistedExchange({
      enableForMutation: true,
      // POST: the router's CSRF prevention refuses a GET without a preflight header.
      preferGetForPersistedQueries: false,
      generateHash: async (_text, document) => {
        const id = trustedIdOf(document);
        if (!id) throw new Error(`${operationName(document) ?? "an anonymous operation"} is not an SDK operation`);
        return id;
      },
    }),
    fetchExchange,
    subscriptionExchange({
      forwardSubscription(request) {
        return {
          subscribe(sink) {
            const trusted = trustedIdNamed(request.operationName);
            const dispose = socket.subscribe(
              trusted
                ? { query: "", variables: request.variables ?? {}, extensions: persisted(trusted) }
                : { query: request.query ?? "", variables: request.variables ?? {} },
              sink,
            );
            return { unsubscribe: dispose };
          },
        };
      },
    }),
  ],
});

import { ROUTER_SECRET_HEADER } from "@cartograph/service-kit";

export const TEST_ROUTER_SECRET = "test-router-secret-0123456789";

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{
    message: string;
    path?: Array<string | number>;
    extensions?: { code?: string; [key: string]: unknown };
  }>;
}

/** Posts an operation straight to a subgraph, as the router would (router credential included). */
export async function callSubgraph<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  {
    accessToken,
    routerSecret = TEST_ROUTER_SECRET,
    headers = {},
  }: { accessToken?: string | null; routerSecret?: string | null; headers?: Record<string, string> } = {},
): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(routerSecret ? { [ROUTER_SECRET_HEADER]: routerSecret } : {}),
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResult<T>, "status">) };
}

let counter = 0;
/** A unique email per call, so tests never collide on the unique index. */
export function uniqueEmail(label = "shopper"): string {
  counter += 1;
  return `${label}.${process.pid}.${Date.now().toString(36)}.${counter}@example.test`;
}

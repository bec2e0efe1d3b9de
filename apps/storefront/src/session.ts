import { useSyncExternalStore } from "react";
import type { AuthFieldsFragment } from "@cartograph/client/documents";

/** Who is signed in, as the router's login answered: kept in localStorage so a reload keeps it. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds after which the access token is refused. */
  expiresAt: number;
  user: { id: string; email: string; name: string; roles: string[] };
}

const KEY = "cartograph.session";
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const stored = localStorage.getItem(KEY);
    return stored ? (JSON.parse(stored) as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = read();

export function getSession(): Session | null {
  return current;
}

/** Keeps what a login, sign-up or refresh answered; null signs out. */
export function setSession(session: Session | null): void {
  current = session;
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

/** A session from an AuthPayload, or null when it carries no tokens (user errors). */
export function sessionFrom(payload: AuthFieldsFragment): Session | null {
  if (!payload.accessToken || !payload.refreshToken || !payload.user) return null;
  return {
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken,
    expiresAt: Date.now() + (payload.expiresIn ?? 900) * 1000,
    user: payload.user,
  };
}

// Another tab signed in or out.
window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  current = read();
  for (const listener of listeners) listener();
});

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, getSession);
}

export const isAdmin = (session: Session | null) => session?.user.roles.includes("ADMIN") ?? false;

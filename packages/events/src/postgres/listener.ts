import pg from "pg";
import type { Logger } from "pino";

export interface NotificationListener {
  close(): Promise<void>;
}

const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * Keeps one dedicated connection LISTENing on `channel` (a pooled client would be handed back
 * still listening, and LISTEN must outlive any query). Reconnects with back-off when the
 * connection drops, and calls `onNotify` after each (re)connect too, since notifications sent
 * while disconnected are lost.
 */
export function listenForNotifications(
  config: pg.ClientConfig,
  channel: string,
  log: Logger,
  onNotify: () => void,
): NotificationListener {
  let closed = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = 500;

  const reconnectLater = (err: unknown) => {
    if (closed) return;
    log.warn({ err, channel, retryInMs: delay }, "LISTEN connection lost; the poll covers until it is back");
    client?.removeAllListeners();
    client?.on("error", () => undefined); // a dying client may still emit; it must not crash us
    client?.end().catch(() => undefined);
    client = undefined;
    clearTimeout(timer);
    timer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, MAX_RECONNECT_DELAY_MS);
  };

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client(config);
    client = next;
    next.on("error", reconnectLater);
    next.on("end", () => reconnectLater(new Error("connection ended")));
    next.on("notification", (message) => {
      if (message.channel === channel) onNotify();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      delay = 500;
      onNotify();
    } catch (err) {
      if (client === next) reconnectLater(err);
    }
  };

  void connect();

  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      const current = client;
      client = undefined;
      if (!current) return;
      current.removeAllListeners();
      current.on("error", () => undefined);
      await current.end().catch(() => undefined);
    },
  };
}

import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@cartograph/service-kit";
import { counter } from "@cartograph/service-kit/metrics";
import type { NotificationsDb } from "../db";
import { EmailRepository } from "./email.repository";
import { errorText, retryDelayMs } from "./email.rules";
import type { Mailer } from "./mailer";

const emailSends = counter({
  name: "cartograph_email_sends_total",
  help: "Email send attempts: `sent`, `retry` (failed, tried again later) or `failed` (the last attempt failed: marked FAILED).",
  labelNames: ["outcome"],
});

export interface EmailSenderOptions {
  db: NotificationsDb;
  mailer: Mailer;
  log: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollIntervalMs: number;
}

export interface EmailSender {
  /** Finishes the send in flight, then stops looking for more. */
  stop(): Promise<void>;
}

/**
 * Sends queued emails one at a time, each in its own transaction that holds the row from claim to
 * outcome: a crash after the SMTP server accepted but before the commit sends that email again
 * (at least once, never lost); everything else is sent once.
 */
export function startEmailSender(options: EmailSenderOptions): EmailSender {
  const { db, mailer, maxAttempts } = options;
  const log = options.log.child({ component: "email sender" });
  const emails = new EmailRepository();
  const stopping = new AbortController();

  /** True when it settled an email (so there may be more due), false when none was due. */
  const sendOne = () =>
    db.transaction(async (tx) => {
      const claimed = await emails.claimNextDue(tx);
      if (!claimed) return false;
      const { delivery, address } = claimed;
      const attempt = delivery.attempts + 1;
      const meta = { emailId: delivery.id, userId: delivery.userId, topic: delivery.topic, attempt };
      try {
        // `user.registered` may come after an order's events: without an address, wait like any failure.
        if (!address) throw new Error("no email address is known for this user yet");
        await mailer.send({
          id: delivery.id,
          to: address.email,
          subject: delivery.subject,
          text: delivery.textBody,
          html: delivery.htmlBody,
          unsubscribeUrl: delivery.unsubscribeUrl,
        });
      } catch (error) {
        const last = attempt >= maxAttempts;
        const retryInMs = last ? null : retryDelayMs(attempt, options.retryBaseMs, options.retryMaxMs);
        await emails.markAttemptFailed(tx, delivery.id, errorText(error), retryInMs);
        if (last) log.error({ ...meta, err: error }, "email failed on its last attempt: marked FAILED");
        else log.warn({ ...meta, err: error, retryInMs }, "email send failed: will retry");
        emailSends.inc({ outcome: last ? "failed" : "retry" });
        return true;
      }
      await emails.markSent(tx, delivery.id, address.email);
      log.info(meta, "email sent");
      emailSends.inc({ outcome: "sent" });
      return true;
    });

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      let settled = false;
      try {
        settled = await sendOne();
      } catch (err) {
        // Our database is unavailable: nothing was claimed, so nothing is lost; look again later.
        log.error({ err }, "could not look for emails to send");
      }
      if (!settled) await sleep(options.pollIntervalMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  })();

  return {
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
}

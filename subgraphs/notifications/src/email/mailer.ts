import nodemailer from "nodemailer";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Becomes `List-Unsubscribe`, which mail clients show as a button. */
  unsubscribeUrl: string | null;
  /** Becomes the Message-ID's local part: a resent email keeps its identity. */
  id: string;
}

/** The seam to the mail server: SMTP in every environment, a fake one in tests if need be. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
  close(): Promise<void>;
}

/**
 * nodemailer over `SMTP_URL`. The timeouts are short because a send happens while its
 * delivery row is locked: a hung server must cost seconds, not the default minutes.
 */
export function createSmtpMailer(options: { smtpUrl: string; from: string }): Mailer {
  const url = new URL(options.smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port) || (url.protocol === "smtps:" ? 465 : 587),
    secure: url.protocol === "smtps:",
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const domain = /@([^>\s]+)/.exec(options.from)?.[1] ?? "cartograph.local";
  return {
    send: async (email) => {
      await transport.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: `<${email.id}@${domain}>`,
        ...(email.unsubscribeUrl ? { list: { unsubscribe: email.unsubscribeUrl } } : {}),
      });
    },
    close: async () => transport.close(),
  };
}

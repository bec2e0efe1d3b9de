import { freePort } from "@cartograph/test-datastores";
import { simpleParser, type ParsedMail } from "mailparser";

export type { ParsedMail };
import { SMTPServer } from "smtp-server";

/** A tiny SMTP server a test starts, reads back from, and can take down (outage) and up again. */
export interface SmtpReceiver {
  url: string;
  /** Every message accepted, parsed, in arrival order. */
  received: ParsedMail[];
  /** Connections refused while down (421), counted so a test can wait for a failed attempt. */
  refused: () => number;
  setDown: (down: boolean) => void;
  close: () => Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const received: ParsedMail[] = [];
  let down = false;
  let refused = 0;
  const server = new SMTPServer({
    // Plain SMTP on loopback: no STARTTLS (nodemailer would try it and refuse the self-signed cert), no auth.
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onConnect: (_session, callback) => {
      if (!down) return callback();
      refused += 1;
      const error = Object.assign(new Error("Service not available (test outage)"), { responseCode: 421 });
      return callback(error);
    },
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refused: () => refused,
    setDown: (value) => {
      down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What happened, for everyone: always in the page, so a screen reader announces a message as it appears. */
export function Status({ message }: { message: string | null }) {
  return <div role="status">{message && <p className="notice">{message}</p>}</div>;
}

/** Why something was refused, announced at once; nothing when there is no problem. */
export function Problem({ message }: { message: string | null }) {
  return message ? (
    <p role="alert" className="error">
      {message}
    </p>
  ) : null;
}

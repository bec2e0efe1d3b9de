import { context, type Context } from "@cartograph/service-kit/telemetry";

/** What handling one pushed item gives: a result to send (or nothing), and whether it is the last. */
export interface Handled<R> {
  result: R | null;
  last?: boolean;
}

/**
 * A push-to-pull bridge for one subscriber: the feed pushes events, graphql-ws pulls results one
 * at a time (so one subscriber's events are resolved and sent in order), and `return()` (client
 * completed, socket closed) runs the cleanup even if nothing was ever pulled. The buffer is
 * bounded: a subscriber that falls that far behind gets `overflow` and is ended.
 */
export class EventStream<T, R> implements AsyncIterableIterator<R> {
  /** Each item with the (trace) context it was pushed in, which its handling continues. */
  private buffer: Array<{ item: T; pushedIn: Context }> = [];
  private wake: (() => void) | null = null;
  private pendingLast: R | null = null;
  private finished = false;
  private pulling: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly handle: (item: T) => Promise<Handled<R>>,
    private readonly cleanup: () => Promise<void>,
    private readonly overflow: () => R,
    private readonly maxBuffered = 100,
  ) {}

  push(item: T): void {
    if (this.finished || this.pendingLast) return;
    if (this.buffer.length >= this.maxBuffered) {
      this.buffer = [];
      this.pendingLast = this.overflow();
    } else {
      this.buffer.push({ item, pushedIn: context.active() });
    }
    this.wake?.();
  }

  /** Pulls are served one after the other, whoever calls. */
  next(): Promise<IteratorResult<R, undefined>> {
    const pull = this.pulling.then(() => this.pull());
    this.pulling = pull.catch(() => undefined);
    return pull;
  }

  private async pull(): Promise<IteratorResult<R, undefined>> {
    for (;;) {
      if (this.finished) return { value: undefined, done: true };
      if (this.pendingLast) {
        const value = this.pendingLast;
        this.pendingLast = null;
        await this.finish();
        return { value, done: false };
      }
      const next = this.buffer.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      const { result, last } = await context.with(next.pushedIn, () => this.handle(next.item));
      if (this.finished) return { value: undefined, done: true };
      if (last) await this.finish();
      if (result) return { value: result, done: false };
    }
  }

  async return(): Promise<IteratorResult<R, undefined>> {
    await this.finish();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<R, undefined>> {
    await this.finish();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.buffer = [];
    this.wake?.();
    await this.cleanup();
  }
}

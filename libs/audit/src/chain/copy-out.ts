import type { PoolClient } from 'pg';

const COPY_DATA = 0x64; // 'd'
const COPY_OUT_RESPONSE = 0x48; // 'H'

/**
 * `COPY … TO STDOUT` on a pg connection, the rows' bytes handed to `onData` straight from the
 * socket chunks (no per-row buffers: the verifier reads every event of the chain this way).
 *
 * Works like pg-copy-streams: while the COPY runs, this query takes the connection's socket from
 * pg's protocol parser, reads the CopyOutResponse and CopyData messages itself, and gives the
 * socket (and the bytes after the last CopyData) back at the first other message: CopyDone,
 * or an ErrorResponse, which pg then parses and reports to this query as usual. `onData`
 * returning false stops reading; the connection must then be closed, not reused.
 */
class CopyOutQuery {
  private socket!: NodeJS.EventEmitter;
  private pgHandler!: (chunk: Buffer) => void;
  private readonly header = Buffer.alloc(5);
  private headerLength = 0;
  private code = 0;
  private left = 0;
  private stopped = false;
  readonly done: Promise<boolean>;
  private settle!: (finished: boolean) => void;
  private fail!: (e: Error) => void;

  constructor(
    private readonly text: string,
    private readonly onData: (chunk: Buffer, from: number, to: number) => boolean,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
  }

  /** Called by pg when the query's turn comes. */
  submit(connection: { stream: NodeJS.EventEmitter; query(text: string): void }): void {
    this.socket = connection.stream;
    const listeners = this.socket.listeners('data');
    if (listeners.length !== 1) throw new Error(`COPY: expected one data listener on the connection, found ${listeners.length}`);
    this.pgHandler = listeners[0] as (chunk: Buffer) => void;
    this.socket.removeListener('data', this.pgHandler);
    this.socket.on('data', this.onSocket);
    connection.query(this.text);
  }

  private readonly onSocket = (chunk: Buffer): void => {
    if (this.stopped) return;
    const n = chunk.length;
    let p = 0;
    while (p < n) {
      if (this.left === 0) {
        while (this.headerLength < 5 && p < n) this.header[this.headerLength++] = chunk[p++];
        if (this.headerLength < 5) return;
        this.code = this.header[0];
        this.left = this.header.readInt32BE(1) - 4;
        if (this.code !== COPY_DATA && this.code !== COPY_OUT_RESPONSE) {
          // CopyDone, ErrorResponse, …: pg's parser takes over from this message on
          const rest = Buffer.concat([this.header, chunk.subarray(p)]);
          this.giveBack();
          this.pgHandler(rest);
          return;
        }
        this.headerLength = 0;
        if (this.left === 0) continue;
      }
      const take = Math.min(this.left, n - p);
      if (this.code === COPY_DATA && !this.onData(chunk, p, p + take)) {
        // the rest of the COPY is ignored (the socket stays with this query): the connection is
        // closed by the caller, never handed back in the middle of a message
        this.stopped = true;
        this.settle(false);
        return;
      }
      p += take;
      this.left -= take;
    }
  };

  /** Stops reading the socket (the COPY waits in the kernel's buffers) until `resume`. */
  pause(): void {
    (this.socket as NodeJS.ReadableStream | undefined)?.pause();
  }

  resume(): void {
    (this.socket as NodeJS.ReadableStream | undefined)?.resume();
  }

  /** Ignores the rest of the COPY, reading it off the socket so the connection can be closed. */
  abandon(): void {
    this.stopped = true;
    this.resume();
  }

  private giveBack(): void {
    this.socket.removeListener('data', this.onSocket);
    this.socket.on('data', this.pgHandler);
    // never hand back a paused socket: the connection goes back to the pool after this COPY, and
    // the next query on it would wait forever for its answer
    this.resume();
  }

  handleError(e: Error): void {
    if (!this.stopped) this.fail(e);
  }

  handleReadyForQuery(): void {
    if (!this.stopped) this.settle(true);
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}
}

/**
 * Runs `sql` (a COPY … TO STDOUT) on `client` and hands the bytes to `onData` until it returns
 * false. Resolves true when the COPY finished, false when it was stopped; the caller releases the
 * client, closing it (`release(true)`) unless the COPY finished.
 */
export function copyOut(client: PoolClient, sql: string, onData: (chunk: Buffer, from: number, to: number) => boolean): Promise<boolean> {
  const query = new CopyOutQuery(sql, onData);
  void client.query(query as never);
  return query.done;
}

/**
 * A COPY read at the consumer's pace: `onData` renders the bytes somewhere, and each step of the
 * returned iterator comes when `ready()` says enough is rendered (or the COPY has ended), with the
 * socket paused until the consumer asks for the next step. The iterator ends when the COPY has
 * finished and throws its error. `close()` gives the client back: reused when the COPY finished,
 * closed otherwise; safe to call more than once.
 */
export function copyOutPaced(
  client: PoolClient,
  sql: string,
  onData: (chunk: Buffer, from: number, to: number) => void,
  ready: () => boolean,
): { steps: AsyncGenerator<void>; close(): void } {
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const query = new CopyOutQuery(sql, (chunk, from, to) => {
    onData(chunk, from, to);
    if (ready()) {
      query.pause();
      signal();
    }
    return true;
  });
  let finished = false;
  let failure: unknown;
  query.done.then(
    () => {
      finished = true;
      signal();
    },
    (e) => {
      failure = e;
      finished = true;
      signal();
    },
  );
  void client.query(query as never);
  let released = false;
  const close = () => {
    if (released) return;
    released = true;
    const reusable = finished && failure === undefined;
    if (!reusable) query.abandon();
    client.release(!reusable);
  };
  async function* steps(): AsyncGenerator<void> {
    for (;;) {
      if (!finished && !ready()) await new Promise<void>((resolve) => (wake = resolve));
      if (finished && failure !== undefined) throw failure;
      yield;
      if (finished) return;
      query.resume();
    }
  }
  return { steps: steps(), close };
}

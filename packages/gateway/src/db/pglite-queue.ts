import type { PGlite } from "@electric-sql/pglite";
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * PGlite has ONE session; pglite-socket 0.2.17 multiplexes socket connections onto it by
 * queueing single protocol messages, and keeps a connection "sticky" only while a
 * transaction is open. That is not enough for the extended query protocol postgres.js
 * uses: Parse/Bind/Execute of one connection interleaved with another's Bind overwrites
 * the unnamed portal ("portal "" does not exist"), and one failed message stalls the
 * queue for good (the original loop returns without clearing `processing`).
 *
 * This replaces the queue's `processQueue` on one server instance: a connection stays
 * sticky from its first extended-protocol message until its Sync (or a simple Query), and
 * while a transaction is open; an error fails only the message that caused it.
 */
interface QueueItem {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueueInternals {
  queue: QueueItem[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
/** Messages that open or continue an extended-protocol batch (ended by Sync). */
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]); // P B D E C H

export function makeQueueProtocolSafe(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue: QueueInternals }).queryQueue;
  if (!q || !Array.isArray(q.queue) || typeof q.processQueue !== "function") {
    throw new Error("pglite-socket internals changed: review src/db/pglite-queue.ts");
  }
  const midBatch = new Set<number>();

  q.processQueue = async function processQueue(this: QueueInternals): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const last = this.lastHandlerId;
        const sticky = last !== null && (midBatch.has(last) || this.db.isInTransaction());
        let item: QueueItem | undefined;
        if (sticky) {
          const index = this.queue.findIndex((i) => i.handlerId === last);
          if (index === -1) break; // wait for the sticky connection's next message
          item = this.queue.splice(index, 1)[0];
        } else {
          item = this.queue.shift();
        }
        if (!item) break;
        const type = item.message[0]!;
        if (EXTENDED.has(type)) midBatch.add(item.handlerId);
        else if (type === SYNC || type === QUERY || type === TERMINATE) midBatch.delete(item.handlerId);
        this.lastHandlerId = item.handlerId;
        let bytes = 0;
        try {
          const current = item;
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (error) {
          item.reject(error);
        }
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    midBatch.delete(handlerId);
    if (q.lastHandlerId === handlerId && !q.db.isInTransaction()) q.lastHandlerId = null;
    void q.processQueue();
  };
}

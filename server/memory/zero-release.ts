/**
 * Zeroing release: memory that MIGRATE_PREPARE drops is overwritten with zeros, off the event loop, before it goes
 * back to the OS (issue 12).
 *
 * Why zeros: QEMU sends an all-zero guest page as a header of about 9 bytes instead of 4 KiB, in pre-copy and in
 * post-copy alike (migration/ram.c `save_zero_page`; the destination places it with `postcopy_place_page_zero`).
 * Pages that tierkv frees keep their bytes in the guest's free lists unless the guest kernel zeroes them
 * (`init_on_free=1`) or a balloon takes them; zeroed before release, they cost almost nothing to migrate, with
 * no balloon and no guest kernel option. (The paper's future work: "skip the cold pages instead of ballooning".)
 *
 * How, without holding the event loop: the dropped extents' SharedArrayBuffers are posted to a `worker_threads`
 * worker, which fills their written ranges with zeros (allocator/arena.ts `ZeroList`; untouched pages are left
 * alone, writing them would make the OS back them). A SharedArrayBuffer's memory is freed when the last isolate
 * holding it collects its object, and the thread that collects last pays for the unmapping; so the order is:
 *   1. main: post the job (the arena has already dropped its views);
 *   2. worker: acknowledge receipt, then zero;
 *   3. main, on the acknowledgement: one forced GC — the main isolate lets go of its objects while the worker still
 *      holds the memory, so this GC only marks the (small) JS heap and unmaps nothing (a GC forced before the
 *      receipt frees nothing: the message in flight still holds the buffers, measured);
 *   4. worker, once it has zeroed and heard that the main GC ran: reports bytes and time, then drops its references
 *      and forces its own GC, so the unmapping happens there, after the report (zero pages migrate as cheaply
 *      mapped or not, and unmapping 930 MB took ~2 s in a TCG guest).
 * A released extent that a reply still references (allocator/extent.ts `pins`) is not in the job: its bytes are
 * being sent, so it is freed, unzeroed, by the ordinary GC once written.
 *
 * The worker's code is a script string (not a module file), so that it runs the same from the compiled dist/ and
 * from the TypeScript sources under the test runner.
 */
import { Worker } from 'node:worker_threads';
import type { ZeroList } from '../../allocator/arena.js';
import { forceGc } from './gc.js';

/** What one zeroing release did. */
export interface ZeroReport {
  /** Bytes overwritten with zeros. */
  zeroedBytes: number;
  /** Time the worker spent writing zeros, ms. */
  zeroMs: number;
  /** The main thread's forced GC (step 3), µs: the only time the event loop is held. */
  mainGcUs: number;
}

/** The worker: a plain script, see the module comment. Messages: job → received; gc → done. */
const WORKER_SCRIPT = `
'use strict';
(() => {
const { parentPort } = require('node:worker_threads');
let collect = globalThis.gc;
if (typeof collect !== 'function') {
  require('node:v8').setFlagsFromString('--expose-gc');
  collect = require('node:vm').runInNewContext('gc');
}
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'job') {
    parentPort.postMessage({ type: 'received', id: m.id });
    const t0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < m.bufs.length; i++) {
      new Uint8Array(m.bufs[i], m.offs[i], m.lens[i]).fill(0);
      bytes += m.lens[i];
    }
    jobs.set(m.id, { id: m.id, bytes, zeroMs: performance.now() - t0 });
    m.bufs = null;
  } else if (m.type === 'gc') {
    const done = jobs.get(m.id);
    jobs.delete(m.id);
    // Report first: the memory is zero now, which is what a migration needs; the unmapping (the GC, in a task of
    // its own so that nothing of the job's message handler still references the buffers) follows off the reply's
    // path (measured in a TCG guest: ~2 s for 930 MB).
    parentPort.postMessage({ type: 'done', id: done.id, bytes: done.bytes, zeroMs: done.zeroMs });
    setTimeout(() => collect(), 0);
  }
});
})();
`;

interface Pending {
  resolve: (r: ZeroReport) => void;
  reject: (e: Error) => void;
  mainGcUs: number;
}

/** Owns the zeroing worker (started on first use, never keeps the process alive). One per server. */
export class ZeroReleaser {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * Zeroes the ranges of `z` in the worker and lets the worker free the memory. The caller must hold no other
   * reference to the buffers (`z` itself is emptied here). Resolves once the worker has zeroed them (it frees them
   * right after); the event loop is held only by one forced GC in between (see the module comment).
   * @throws Error (rejects) when the worker fails or exits
   */
  release(z: ZeroList): Promise<ZeroReport> {
    const w = this.start();
    const id = this.nextId++;
    const p = new Promise<ZeroReport>((resolve, reject) => this.pending.set(id, { resolve, reject, mainGcUs: 0 }));
    w.postMessage({ type: 'job', id, bufs: z.bufs, offs: z.offs, lens: z.lens });
    z.bufs = [];
    z.offs = [];
    z.lens = [];
    return p;
  }

  /**
   * Stops the worker (pending releases are rejected). Does not wait for the thread to end: it is unref'd, so it
   * never holds the process or a server's close (SHUTDOWN) up.
   */
  close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) void w.terminate();
    return Promise.resolve();
  }

  /** Starts the worker if it is not running (done lazily by `release`; call early to take its boot off that path). */
  start(): Worker {
    if (this.worker !== null) return this.worker;
    const w = new Worker(WORKER_SCRIPT, { eval: true });
    w.unref();
    w.on('message', (m: { type: string; id: number; bytes?: number; zeroMs?: number }) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      if (m.type === 'received') {
        const t0 = performance.now();
        forceGc();
        p.mainGcUs = Math.round((performance.now() - t0) * 1000);
        w.postMessage({ type: 'gc', id: m.id });
      } else if (m.type === 'done') {
        this.pending.delete(m.id);
        p.resolve({ zeroedBytes: m.bytes ?? 0, zeroMs: m.zeroMs ?? 0, mainGcUs: p.mainGcUs });
      }
    });
    const fail = (e: Error): void => {
      if (this.worker === w) this.worker = null;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`zeroing worker exited (code ${code})`)));
    this.worker = w;
    return w;
  }
}

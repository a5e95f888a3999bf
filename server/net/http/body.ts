/**
 * Receiving the body of `PUT /v1/keys/{key}` so that a value costs its size once.
 *
 * - Bounded before it is read: a `Content-Length` above `proto-max-bulk-len` gets 413 at once, without reading a
 *   byte of the body; a chunked body is counted as it arrives and gets 413 as soon as it passes the limit, and the
 *   connection stops being read (`Connection: close`, the socket is closed once the answer is out).
 * - One buffer: with `Content-Length`, the body is copied as it arrives into one buffer of exactly `headroom +
 *   length` bytes; the command's other arguments are written into the `headroom` in front of it, so the body is
 *   the SET argument in place (CoreCaller.beginIn) — no list of chunks, no copy into the caller's scratch buffer.
 *   A chunked body (length unknown) goes into a buffer that doubles as needed (the body is then a prefix of it).
 * - Counted and given back: the bytes held are in `ServerCore.httpBodyBytes` (INFO `mem_http_bodies`) while the
 *   request is in flight; when the buffer is dropped (after the SET, on an error, when the client goes away) its
 *   size goes to gc.ts `noteReleased`, so that the cron's forced collection returns it to the OS.
 *
 * This is the same idea as Redis sizing its query buffer from a `$<len>` header for big arguments
 * (networking.c, PROTO_MBULK_BIG_ARG); the code is our own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { noteReleased } from '../../memory/gc.js';
import type { ServerCore } from '../../core/server-core.js';

/** Bodies below this size come from Node's shared pool and are not reported to gc.ts (they are not large). */
const SMALL_BODY = 4096;

/** Reports a dropped body buffer of `size` bytes to gc.ts when it is worth a collection. */
function dropped(size: number): void {
  if (size >= SMALL_BODY) noteReleased(size);
}

/** A received body: `buf[headroom, headroom + length)` holds it; `buf[0, headroom)` is free for other arguments. */
export interface ReceivedBody {
  buf: Buffer;
  headroom: number;
  length: number;
}

/**
 * What {@link receiveBody} calls: `onBody` once the whole body is in (synchronously run the command on it; the
 * buffer is released right after `onBody` returns, so it must not be kept), or `onTooLarge` when the body is over
 * the limit (answer 413 with `Connection: close`; the body is not read further).
 */
export interface BodyHandlers {
  onBody(body: ReceivedBody): void;
  onTooLarge(limit: number): void;
}

/**
 * Receives the body of `req` (at most `limit` bytes) into one buffer with `headroom` free bytes in front.
 * Calls exactly one of `h.onBody` / `h.onTooLarge`, or neither when the client goes away first.
 * @param core whose `httpBodyBytes` counts the bytes held
 * @param limit largest accepted body, bytes (proto-max-bulk-len)
 * @param headroom bytes reserved in front of the body for the command's other arguments (≥ 0)
 */
export function receiveBody(core: ServerCore, req: IncomingMessage, res: ServerResponse, limit: number, headroom: number, h: BodyHandlers): void {
  const announced = req.headers['content-length'];
  if (announced !== undefined) {
    // Node's parser has checked that it is a decimal number.
    const n = Number(announced);
    if (!(n <= limit)) {
      refuse(req, res, h, limit);
      return;
    }
    receiveSized(core, req, n, headroom, h);
    return;
  }
  receiveChunked(core, req, res, limit, headroom, h);
}

/** 413 without reading the body: the connection is closed once the answer is written (see HttpFront). */
function refuse(req: IncomingMessage, res: ServerResponse, h: BodyHandlers, limit: number): void {
  req.pause();
  h.onTooLarge(limit);
  // Close as soon as the answer is out rather than draining the rest of the body (Node would read it to reuse the
  // connection); the client sees the 413, then the end of the connection.
  res.once('finish', () => req.socket.destroySoon());
}

/** Body of known length: one buffer from the start, each chunk copied in once. */
function receiveSized(core: ServerCore, req: IncomingMessage, n: number, headroom: number, h: BodyHandlers): void {
  const size = headroom + n;
  const buf = size < SMALL_BODY ? Buffer.allocUnsafe(size) : Buffer.allocUnsafeSlow(size);
  core.httpBodyBytes += size;
  let got = 0;
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    core.httpBodyBytes -= size;
    dropped(size);
  };
  req.on('data', (c: Buffer) => {
    if (!held) return;
    // Node's parser never delivers more than Content-Length bytes; keep the buffer safe anyway.
    const take = Math.min(c.length, n - got);
    c.copy(buf, headroom + got, 0, take);
    got += take;
  });
  req.once('end', () => {
    if (!held) return;
    try {
      if (got === n) h.onBody({ buf, headroom, length: n });
    } finally {
      release();
    }
  });
  req.once('close', release);
}

/** First buffer of a chunked body; it doubles as the body grows (a 300 MB body: 13 copies of a small prefix). */
const CHUNKED_INITIAL = 64 * 1024;

/**
 * Body without a length (chunked): copied as it arrives into one buffer that doubles when full (the chunks die at
 * once, so they do not pile up in malloc's arenas; a buffer of 32 MiB or more is mmap'd and goes back to the OS
 * when collected), counted, and refused as soon as it passes `limit`.
 */
function receiveChunked(core: ServerCore, req: IncomingMessage, res: ServerResponse, limit: number, headroom: number, h: BodyHandlers): void {
  let buf: Buffer | null = Buffer.allocUnsafeSlow(headroom + Math.min(CHUNKED_INITIAL, limit));
  let size = buf.length;
  core.httpBodyBytes += size;
  let total = 0;
  const release = (): void => {
    if (buf === null) return;
    buf = null;
    core.httpBodyBytes -= size;
    dropped(size);
  };
  const onData = (c: Buffer): void => {
    if (buf === null) return;
    if (total + c.length > limit) {
      req.off('data', onData);
      release();
      refuse(req, res, h, limit);
      return;
    }
    if (headroom + total + c.length > size) {
      let cap = Math.max(CHUNKED_INITIAL, (size - headroom) * 2);
      while (cap < total + c.length) cap *= 2;
      const next = Buffer.allocUnsafeSlow(headroom + Math.min(cap, limit));
      buf.copy(next, headroom, headroom, headroom + total);
      core.httpBodyBytes += next.length - size;
      dropped(size);
      buf = next;
      size = next.length;
    }
    c.copy(buf, headroom + total);
    total += c.length;
  };
  req.on('data', onData);
  req.once('end', () => {
    if (buf === null) return;
    try {
      h.onBody({ buf, headroom, length: total });
    } finally {
      release();
    }
  });
  req.once('close', release);
}

/**
 * Socket reads into one shared buffer (Node's `onread` option of net.Socket), for the RESP listeners.
 *
 * Why: a net.Socket accepted by a server reads through the Readable stream: every read allocates a fresh
 * ArrayBuffer (a malloc of the read size), wraps it in a Buffer and pushes it through the stream's state machine
 * before the 'data' event. At -P 16 that plumbing was ~10 % of a PING's server CPU (Node 20, perf). With `onread`,
 * libuv reads straight into one buffer that the callback must consume before it returns, and the stream machinery
 * is skipped. Redis reads into each client's query buffer the same way (readQueryFromClient).
 *
 * How: the listener accepts with `pauseOnConnect`, then the accepted socket's libuv handle is adopted by a new
 * net.Socket constructed with `{ handle, onread }` (the path net.connect takes for `onread`); the server's
 * connection count moves to the new socket, so `server.close()` still waits for it. The `handle` option and the
 * `_handle`/`_server` fields are Node internals (stable from Node 12 to 22): when they are missing, `adopt`
 * returns null and the caller keeps the stream socket and its 'data' events.
 *
 * The contract for the callback's caller: nothing may reference the shared buffer once the callback returns. The
 * request parser copies what it still needs (a partial command, or commands a blocked or paused client has not run)
 * into its own buffer (`RequestParser.detach`); every other consumer of request bytes copies them while the command
 * runs (MULTI's queue, blocked clients, CLIENT PAUSE, the slow log, MONITOR, pub/sub all copy), and no reply
 * references request bytes (replies by reference point into the arena only).
 */
import net from 'node:net';

/** Bytes of the shared read buffer: the most one read takes (Node's own read size is 64 KiB). */
export const SHARED_READ_SIZE = 64 * 1024;

let shared: Buffer | null = null;

/** The process's one read buffer (allocated on first use). */
function sharedBuffer(): Buffer {
  if (shared === null) shared = Buffer.allocUnsafeSlow(SHARED_READ_SIZE);
  return shared;
}

interface SocketInternals {
  _handle?: unknown;
  _server?: unknown;
  server?: unknown;
}

/**
 * Moves a socket accepted with `pauseOnConnect` onto a new net.Socket that reads into the shared buffer and calls
 * `onRead(buf, n)` with the `n` bytes of each read in `buf[0, n)`; `buf` is reused by the next read of any socket.
 * The original socket must not be used afterwards.
 * @returns the new socket (reading), or null when this Node.js does not allow it (then `sock` is untouched and
 *   still paused)
 */
export function adopt(sock: net.Socket, onRead: (buf: Buffer, n: number) => void): net.Socket | null {
  const old = sock as unknown as SocketInternals;
  const handle = old._handle;
  if (handle === null || typeof handle !== 'object') return null;
  let s: net.Socket;
  try {
    s = new net.Socket({
      handle,
      readable: true,
      writable: true,
      onread: {
        buffer: sharedBuffer(),
        callback: (n: number, buf: Uint8Array): boolean => {
          onRead(buf as Buffer, n);
          return true;
        },
      },
    } as net.SocketConstructorOpts);
  } catch {
    return null;
  }
  const fresh = s as unknown as SocketInternals;
  // The server counts its connections on the socket it created; the adopted socket decrements it when destroyed.
  fresh._server = old._server;
  fresh.server = old.server;
  old._server = null;
  old._handle = null;
  return s;
}

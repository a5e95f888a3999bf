/**
 * The HTTP routes (see README.md in this folder): key API under `/v1/keys/{key}`, MIGRATE_PREPARE/DONE/ABORT under
 * `/v1/migrate/`, `/metrics` and `/healthz`. Key operations run the RESP commands through `CoreCaller` (GET, SET
 * [EX], DEL), so an HTTP request behaves exactly like the corresponding command, error texts included; a RESP
 * error is mapped to an HTTP status by `statusOfError`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/log.js';
import type { TierkvMetrics } from '../../observe/metrics.js';
import type { ServerCore } from '../../core/server-core.js';
import { receiveBody } from './body.js';
import type { CoreCaller, RespReply } from './core-call.js';

/** What the route handlers work with (one per HTTP front). */
export interface RouteContext {
  readonly core: ServerCore;
  readonly caller: CoreCaller;
  readonly metrics: TierkvMetrics;
  readonly log: Logger;
}

/** Path prefix of the key API; the rest of the path, percent-decoded, is the key. */
export const KEYS_PREFIX = '/v1/keys/';

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const OCTETS = 'application/octet-stream';

/** Writes a complete response with an explicit Content-Length. */
export function send(res: ServerResponse, status: number, body: string | Buffer, type: string = TEXT, extra?: Record<string, string>): void {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': b.length, ...extra });
  res.end(b);
}

/** A JSON error body `{"error": text}`. */
export function sendError(res: ServerResponse, status: number, text: string, extra?: Record<string, string>): void {
  send(res, status, JSON.stringify({ error: text }) + '\n', JSON_TYPE, extra);
}

/**
 * HTTP status of a RESP error reply: OOM → 507 Insufficient Storage, an internal error → 500, any other (bad
 * arguments, such as an invalid `ex`) → 400.
 */
export function statusOfError(text: string): number {
  if (text.startsWith('OOM')) return 507;
  if (text.startsWith('PAUSED')) return 503;
  if (text.startsWith('ERR internal error')) return 500;
  return 400;
}

/** Replies 405 with the allowed methods. */
function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendError(res, 405, `method not allowed (allowed: ${allow})`, { Allow: allow });
}

/**
 * Splits `url` at '?' and validates the query: only the parameter names in `allowed` may appear, each at most once.
 * @returns the end of the path and the parameters, or an error text
 */
function parseQuery(url: string, allowed: readonly string[]): { pathEnd: number; params: Map<string, string> } | string {
  const q = url.indexOf('?');
  const params = new Map<string, string>();
  if (q < 0) return { pathEnd: url.length, params };
  for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
    if (!allowed.includes(k)) return `unknown query parameter '${k}'` + (allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '');
    if (params.has(k)) return `query parameter '${k}' given twice`;
    params.set(k, v);
  }
  return { pathEnd: q, params };
}

/**
 * `GET|HEAD|PUT|DELETE /v1/keys/{key}`:
 * - GET → GET: 200 with the value (application/octet-stream), 404 when absent, 409 when the key holds a hash or a
 *   set (the body names the type); HEAD: the same without the body (Content-Length is the value's length; the
 *   access counts like a GET).
 * - PUT → SET key <body> [EX seconds] (`?ex=SECONDS`): 204; 400 for a bad `ex` (Redis's error text), 413 when the
 *   body exceeds proto-max-bulk-len, 507 on OOM.
 * - DELETE → DEL: 204, 404 when absent.
 * Keys are the percent-decoded bytes of the path after the prefix (`%2F` for '/', `%00`..`%FF` for any byte).
 */
export function keysRoute(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, url: string): void {
  const method = req.method;
  const allowed = method === 'PUT' ? ['ex'] : [];
  const query = parseQuery(url, allowed);
  if (typeof query === 'string') {
    sendError(res, 400, query);
    return;
  }
  const keyStart = KEYS_PREFIX.length;
  const keyEnd = query.pathEnd;
  const caller = ctx.caller;
  if (method === 'GET' || method === 'HEAD') {
    if (!caller.begin('get').argPercentDecoded(url, keyStart, keyEnd)) {
      sendError(res, 400, 'malformed percent-encoding in the key');
      return;
    }
    const r = caller.exec();
    if (r.type === 'bulk') {
      res.writeHead(200, { 'Content-Type': OCTETS, 'Content-Length': r.value.length });
      // A pinned arena view (core-call.ts `sent`): unpinned once the response is done or abandoned.
      if (r.sent !== undefined) res.once('close', r.sent);
      res.end(r.value);
    } else if (r.type === 'null') {
      sendError(res, 404, 'no such key');
    } else if (r.type === 'error' && r.text.startsWith('WRONGTYPE')) {
      // The key holds a collection: the key API serves strings only. Say which type it holds.
      caller.begin('type').argPercentDecoded(url, keyStart, keyEnd);
      const t = caller.exec();
      const type = t.type === 'simple' ? t.text : 'another type';
      sendError(res, 409, `the key holds a ${type}, not a string: use the RESP interface for it`);
    } else {
      replyUnexpected(ctx, res, r);
    }
    return;
  }
  if (method === 'DELETE') {
    if (!caller.begin('del').argPercentDecoded(url, keyStart, keyEnd)) {
      sendError(res, 400, 'malformed percent-encoding in the key');
      return;
    }
    const r = caller.exec();
    if (r.type === 'integer') {
      if (r.value > 0) {
        res.writeHead(204);
        res.end();
      } else {
        sendError(res, 404, 'no such key');
      }
    } else {
      replyUnexpected(ctx, res, r);
    }
    return;
  }
  if (method === 'PUT') {
    putKey(ctx, req, res, url, keyStart, keyEnd, query.params.get('ex'));
    return;
  }
  methodNotAllowed(res, 'GET, HEAD, PUT, DELETE');
}

/**
 * PUT: validates the key and the announced length, receives the body into one buffer (http/body.ts: 413 before
 * reading past proto-max-bulk-len), then runs SET on it in one synchronous step, the body being the argument in
 * place.
 */
function putKey(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  keyStart: number,
  keyEnd: number,
  ex: string | undefined,
): void {
  // Validate the key before reading the body (the scratch buffer is not kept across the wait).
  if (!ctx.caller.begin('set').argPercentDecoded(url, keyStart, keyEnd)) {
    sendError(res, 400, 'malformed percent-encoding in the key');
    return;
  }
  // Room in front of the body for "set", the key (percent-decoding never makes it longer), "ex" and its value.
  const headroom = 3 + (keyEnd - keyStart) + (ex !== undefined ? 2 + ex.length : 0);
  receiveBody(ctx.core, req, res, ctx.core.config.protoMaxBulkLen, headroom, {
    onTooLarge(limit) {
      sendError(res, 413, `value larger than proto-max-bulk-len (${limit} bytes)`, { Connection: 'close' });
    },
    onBody(body) {
      if (res.headersSent) return;
      const caller = ctx.caller;
      let r: RespReply;
      try {
        caller.beginIn(body.buf, body.headroom, body.length, 'set');
        caller.argPercentDecoded(url, keyStart, keyEnd);
        caller.argBody();
        if (ex !== undefined) caller.arg('ex').arg(ex);
        r = caller.exec();
      } catch (e) {
        // Runs from the request's 'end' event, outside HttpFront's handler: never let it become an uncaught error.
        ctx.log.error({ err: e }, 'HTTP PUT failed with an exception');
        sendError(res, 500, `internal error: ${(e as Error).message}`);
        return;
      } finally {
        caller.leaveBody(); // no reference to the body's buffer is kept
      }
      if (r.type === 'simple') {
        res.writeHead(204);
        res.end();
      } else {
        replyUnexpected(ctx, res, r);
      }
    },
  });
}

/** A RESP error becomes its mapped status; any other unexpected reply is a 500 (and logged). */
function replyUnexpected(ctx: RouteContext, res: ServerResponse, r: RespReply): void {
  if (r.type === 'error') {
    sendError(res, statusOfError(r.text), r.text);
    return;
  }
  ctx.log.error({ reply: r.type }, 'HTTP: unexpected reply from the core');
  sendError(res, 500, `unexpected ${r.type} reply`);
}

/**
 * `POST /v1/migrate/prepare|done|abort` → MIGRATE_PREPARE / MIGRATE_DONE / MIGRATE_ABORT, with the command's own
 * protection (enable-migrate-command: `local` admits loopback peers only) on top of the HTTP authentication.
 * prepare answers 200 with the reply's fields as a JSON object (numbers as numbers); done/abort answer 204.
 * A refusal is 403, a failure 500.
 */
export async function migrateRoute(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, action: 'prepare' | 'done' | 'abort'): Promise<void> {
  if (req.method !== 'POST') {
    methodNotAllowed(res, 'POST');
    return;
  }
  const r = await ctx.caller.begin(`migrate_${action}`).execBlocking(req.socket);
  if (res.destroyed) return;
  if (r.type === 'error') {
    sendError(res, r.text.includes('enable-migrate-command') ? 403 : r.text.startsWith('PAUSED') ? 503 : 500, r.text);
    return;
  }
  if (action !== 'prepare') {
    res.writeHead(204);
    res.end();
    return;
  }
  if (r.type !== 'array' || r.items.length % 2 !== 0) {
    replyUnexpected(ctx, res, r);
    return;
  }
  const out: Record<string, number | string> = {};
  for (let i = 0; i < r.items.length; i += 2) {
    const k = r.items[i];
    const v = r.items[i + 1];
    if (k.type !== 'bulk') continue;
    out[k.value.toString('utf8')] = v.type === 'integer' ? v.value : v.type === 'bulk' ? v.value.toString('utf8') : '';
  }
  send(res, 200, JSON.stringify(out) + '\n', JSON_TYPE);
}

/** `GET /metrics`: the Prometheus text exposition of the server's registry. */
export async function metricsRoute(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    methodNotAllowed(res, 'GET, HEAD');
    return;
  }
  const text = await ctx.metrics.render();
  send(res, 200, text, ctx.metrics.contentType);
}

/** `GET /healthz`: 200 "OK" while serving, 503 once the server is shutting down. */
export function healthRoute(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    methodNotAllowed(res, 'GET, HEAD');
    return;
  }
  if (ctx.core.shuttingDown) send(res, 503, 'shutting down\n');
  else send(res, 200, 'OK\n');
}

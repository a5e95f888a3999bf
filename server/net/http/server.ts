/**
 * The HTTP listener of a tierkv server (`http-port`, default `auto` = `port` + 1000, so 7379 for 6379 and one per
 * instance; `0` disables it; see TierkvServer.listen). It runs in the server's process on Node's built-in `node:http`, is bound to the same
 * addresses as `bind` (a leading '-' makes one optional, '*' means all IPv4 addresses), and shares the keyspace:
 * see routes.ts for the routes and core-call.ts for how they reach the command core.
 *
 * Authentication: when `requirepass` is set, every route except `/healthz` and `/metrics` needs
 * `Authorization: Bearer <password>` (compared in constant time, like Redis compares AUTH passwords); a missing
 * or wrong password gets 401 with `WWW-Authenticate: Bearer realm="tierkv"` (RFC 6750). The password is read at
 * each request, so `CONFIG SET requirepass` applies at once.
 *
 * Nothing is logged per request (the logger stays quiet under load): only the listener's start and handler
 * failures (500).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bindAddresses, type Config } from '../../config/config.js';
import type { Logger } from '../../core/log.js';
import { TierkvMetrics } from '../../observe/metrics.js';
import type { ServerCore } from '../../core/server-core.js';
import { CoreCaller } from './core-call.js';
import { healthRoute, KEYS_PREFIX, keysRoute, metricsRoute, migrateRoute, sendError, type RouteContext } from './routes.js';

/** Keep-alive idle timeout of HTTP connections, ms (load generators and Prometheus reuse connections). */
const KEEP_ALIVE_MS = 65_000;

/** The HTTP front of one server: listeners, authentication, dispatch. */
export class HttpFront {
  readonly metrics: TierkvMetrics;
  readonly caller: CoreCaller;
  private readonly ctx: RouteContext;
  private readonly servers: http.Server[] = [];
  private closed = false;
  /** Port bound (0 until `listen`). */
  port = 0;
  /** First address bound. */
  host = '';
  private pwSeen: string | null = null;
  private pwDigest: Buffer = Buffer.alloc(0);

  /**
   * Creates the metrics registry and the core bridge (installing their hooks on `core`); nothing listens yet.
   * @throws Error when the core already has an HTTP front (its hooks are taken)
   */
  constructor(
    readonly core: ServerCore,
    readonly config: Config,
    readonly log: Logger,
  ) {
    this.metrics = new TierkvMetrics(core);
    this.caller = new CoreCaller(core);
    this.ctx = { core, caller: this.caller, metrics: this.metrics, log };
  }

  /**
   * Listens at every `bind` address (a leading '-' makes one optional).
   * @param port TCP port, 1..65535 (the server resolves `http-port auto` before calling this); `this.port` stays
   *   0 when no (optional) address could be bound.
   * @throws Error when a mandatory address cannot be bound (the listeners already bound are closed first)
   */
  async listen(port: number): Promise<void> {
    const binds = this.config.bind.length > 0 ? this.config.bind : ['127.0.0.1'];
    try {
      for (const { host, optional } of bindAddresses(this.config)) {
        try {
          const srv = await this.listenOne(host, port);
          if (this.servers.length === 0) this.host = host;
          this.port = (srv.address() as AddressInfo).port;
          this.servers.push(srv);
        } catch (e) {
          if (!optional) throw e;
          this.log.warn({ err: e, host, port }, 'optional HTTP bind address not available');
        }
      }
    } catch (e) {
      await this.close();
      throw e;
    }
    if (this.servers.length === 0) {
      this.log.warn({ httpPort: port, bind: binds }, 'HTTP listener not started: none of the (optional) bind addresses is available');
      return;
    }
    this.log.info(
      { httpPort: this.port, bind: binds, auth: this.config.requirepass !== '' },
      `HTTP listener on ${this.host}:${this.port}: /metrics /healthz /v1/keys/{key} /v1/migrate/prepare`,
    );
  }

  private listenOne(host: string, port: number): Promise<http.Server> {
    return new Promise((resolve, reject) => {
      const srv = http.createServer({ noDelay: true }, (req, res) => this.handle(req, res));
      srv.keepAliveTimeout = KEEP_ALIVE_MS;
      srv.once('error', reject);
      srv.listen({ host, port, backlog: this.config.tcpBacklog }, () => {
        srv.off('error', reject);
        srv.on('error', (e) => this.log.error({ err: e }, 'HTTP listener error'));
        resolve(srv);
      });
    });
  }

  /** Closes the listeners and every HTTP connection, and removes the hooks. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.caller.dispose();
    this.metrics.dispose();
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  /** True when the request may use the protected routes (no requirepass, or the right Bearer password). */
  private authorized(req: http.IncomingMessage): boolean {
    const pw = this.config.requirepass;
    if (pw === '') return true;
    const h = req.headers.authorization;
    if (h === undefined || h.length < 7 || h.slice(0, 7).toLowerCase() !== 'bearer ') return false;
    if (pw !== this.pwSeen) {
      this.pwSeen = pw;
      this.pwDigest = createHash('sha256').update(pw, 'utf8').digest();
    }
    // Header values arrive as latin1 strings: compare the raw bytes with the password's UTF-8 bytes, in constant
    // time over digests of equal length.
    const given = createHash('sha256').update(h.slice(7), 'latin1').digest();
    return timingSafeEqual(given, this.pwDigest);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    try {
      this.dispatch(req, res);
    } catch (e) {
      this.fail(res, e);
    }
  }

  private fail(res: http.ServerResponse, e: unknown): void {
    this.log.error({ err: e }, 'HTTP request failed with an exception');
    if (!res.headersSent) sendError(res, 500, `internal error: ${(e as Error).message}`);
    else res.destroy();
  }

  private dispatch(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    if (url.startsWith(KEYS_PREFIX)) {
      if (!this.checkAuth(req, res)) return;
      keysRoute(this.ctx, req, res, url);
      return;
    }
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    switch (path) {
      case '/metrics':
        metricsRoute(this.ctx, req, res).catch((e: unknown) => this.fail(res, e));
        return;
      case '/healthz':
        healthRoute(this.ctx, req, res);
        return;
      case '/v1/migrate/prepare':
      case '/v1/migrate/done':
      case '/v1/migrate/abort':
        if (!this.checkAuth(req, res)) return;
        migrateRoute(this.ctx, req, res, path.slice('/v1/migrate/'.length) as 'prepare' | 'done' | 'abort').catch((e: unknown) =>
          this.fail(res, e),
        );
        return;
      default:
        sendError(res, 404, `no route for ${path}`);
    }
  }

  /** Replies 401 and returns false when the request is not authorized. */
  private checkAuth(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (this.authorized(req)) return true;
    const sent = req.headers.authorization !== undefined;
    sendError(res, 401, sent ? 'WRONGPASS invalid password' : 'NOAUTH Authentication required: send Authorization: Bearer <requirepass>', {
      'WWW-Authenticate': sent ? 'Bearer realm="tierkv", error="invalid_token"' : 'Bearer realm="tierkv"',
    });
    return false;
  }
}

/**
 * Regression tests: CONFIG GET / CONFIG SET answer as redis-server 7.0.15 does (divergences found by the
 * differential fuzzer): every standard parameter of Redis is known (replication, cluster, TLS, CPU lists...,
 * accepted and echoed back), an odd argument count is a syntax error, unknown names are echoed byte for byte,
 * and the special syntaxes of `shutdown-on-sig*`, `latency-tracking-info-percentiles` and
 * `cluster-announce-hostname` validate as Redis does. Expected bytes were captured from redis-server 7.0.15.
 */
import { describe, expect, it } from 'vitest';
import { useCompat } from '../support/compat.js';
import { decodeReply } from '../support/resp.js';

const f = useCompat();

const failed = (name: string, why: string): string => `-ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}\r\n`;
const pair = (k: string, v: string): string => `*2\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;

/** Parameters of redis-server 7.0.15 that tierkv lacked before, with their defaults. */
const ADDED: Record<string, string> = {
  'aof-disable-auto-gc': 'no', aof_rewrite_cpulist: '', bgsave_cpulist: '', 'bind-source-addr': '', bio_cpulist: '',
  'cluster-allow-pubsubshard-when-down': 'yes', 'cluster-allow-reads-when-down': 'no', 'cluster-allow-replica-migration': 'yes',
  'cluster-announce-bus-port': '0', 'cluster-announce-hostname': '', 'cluster-announce-ip': '', 'cluster-announce-port': '0',
  'cluster-announce-tls-port': '0', 'cluster-config-file': 'nodes.conf', 'cluster-link-sendbuf-limit': '0',
  'cluster-migration-barrier': '1', 'cluster-node-timeout': '15000', 'cluster-port': '0', 'cluster-preferred-endpoint-type': 'ip',
  'cluster-replica-no-failover': 'no', 'cluster-replica-validity-factor': '10', 'cluster-require-full-coverage': 'yes',
  'cluster-slave-no-failover': 'no', 'cluster-slave-validity-factor': '10', 'latency-tracking-info-percentiles': '50 99 99.9',
  masterauth: '', masteruser: '', 'propagation-error-behavior': 'ignore', 'replica-announce-ip': '', 'replica-announce-port': '0',
  'replica-announced': 'yes', 'replica-ignore-disk-write-errors': 'no', replicaof: '', server_cpulist: '',
  'shutdown-on-sigint': 'default', 'shutdown-on-sigterm': 'default', 'slave-announce-ip': '', 'slave-announce-port': '0',
  slaveof: '', 'socket-mark-id': '0', 'tls-auth-clients': 'yes', 'tls-ca-cert-dir': '', 'tls-ca-cert-file': '', 'tls-cert-file': '',
  'tls-ciphers': '', 'tls-ciphersuites': '', 'tls-client-cert-file': '', 'tls-client-key-file': '', 'tls-client-key-file-pass': '',
  'tls-cluster': 'no', 'tls-dh-params-file': '', 'tls-key-file': '', 'tls-key-file-pass': '', 'tls-port': '0',
  'tls-prefer-server-ciphers': 'no', 'tls-protocols': '', 'tls-replication': 'no', 'tls-session-cache-size': '20480',
  'tls-session-cache-timeout': '300', 'tls-session-caching': 'yes',
};

describe('CONFIG GET', () => {
  it('knows every standard Redis parameter with its default', async () => {
    for (const [k, v] of Object.entries(ADDED)) await f.expectReply(['CONFIG', 'GET', k], pair(k, v));
  });

  it('returns as many parameters as redis-server for `*`, tierkv\'s own aside', async (t) => {
    if (f.c.redis === null) t.skip();
    const keys = async (conn: typeof f.c.tierkv): Promise<Set<string>> => {
      const v = decodeReply(await conn.command('CONFIG', 'GET', '*')) as string[];
      return new Set(v.filter((_, i) => i % 2 === 0).map(String));
    };
    const [a, b] = await Promise.all([keys(f.c.tierkv), keys(f.c.redis!)]);
    expect([...b].filter((k) => !a.has(k))).toEqual([]);
  });
});

describe('CONFIG SET', () => {
  it('answers a syntax error for an odd number of arguments', async () => {
    await f.expectReply(['CONFIG', 'SET', 'hz', '10', 'maxmemory'], '-ERR syntax error\r\n');
  });

  it('echoes an unknown name byte for byte, up to a NUL byte', async () => {
    await f.expectReply(['CONFIG', 'SET', Buffer.from('no\xffsuch\x00x', 'latin1'), '1'], "-ERR Unknown option or number of arguments for CONFIG SET - 'no\xffsuch'\r\n");
  });

  it('combines shutdown-on-sigint flags and refuses SAVE with NOSAVE', async () => {
    await f.expectReply(['CONFIG', 'SET', 'shutdown-on-sigint', 'now nosave force'], '+OK\r\n');
    await f.expectReply(['CONFIG', 'GET', 'shutdown-on-sigint'], pair('shutdown-on-sigint', 'nosave now force'));
    await f.expectReply(['CONFIG', 'SET', 'shutdown-on-sigint', 'save nosave'], failed('shutdown-on-sigint', "shutdown options SAVE and NOSAVE can't be used simultaneously"));
    await f.expectReply(['CONFIG', 'SET', 'shutdown-on-sigint', 'bogus'], failed('shutdown-on-sigint', 'argument(s) must be one of the following: default, save, nosave, now, force'));
    await f.expectReply(['CONFIG', 'SET', 'shutdown-on-sigint', 'default'], '+OK\r\n');
  });

  it('parses latency-tracking-info-percentiles as Redis', async () => {
    await f.expectReply(['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99.90 100'], '+OK\r\n');
    await f.expectReply(['CONFIG', 'GET', 'latency-tracking-info-percentiles'], pair('latency-tracking-info-percentiles', '50 99.9 100'));
    await f.expectReply(['CONFIG', 'SET', 'latency-tracking-info-percentiles', '101'],
      failed('latency-tracking-info-percentiles', 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]'));
    await f.expectReply(['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9'], '+OK\r\n');
  });

  it('validates cluster-announce-hostname and the bounds of the new numeric parameters, and refuses immutable ones', async () => {
    await f.expectReply(['CONFIG', 'SET', 'cluster-announce-hostname', 'bad host'],
      failed('cluster-announce-hostname', 'Hostnames may only contain alphanumeric characters, hyphens or dots'));
    await f.expectReply(['CONFIG', 'SET', 'tls-port', '70000'], failed('tls-port', 'argument must be between 0 and 65535 inclusive'));
    await f.expectReply(['CONFIG', 'SET', 'cluster-node-timeout', '-1'], failed('cluster-node-timeout', 'argument must be between 0 and 9223372036854775807 inclusive'));
    await f.expectReply(['CONFIG', 'SET', 'replicaof', 'no one'], failed('replicaof', "can't set immutable config"));
    await f.expectReply(['CONFIG', 'SET', 'socket-mark-id', '1'], failed('socket-mark-id', "can't set immutable config"));
    await f.expectReply(['CONFIG', 'SET', 'cluster-link-sendbuf-limit', '1kb'], '+OK\r\n');
    await f.expectReply(['CONFIG', 'GET', 'cluster-link-sendbuf-limit'], pair('cluster-link-sendbuf-limit', '1024'));
    await f.expectReply(['CONFIG', 'SET', 'cluster-link-sendbuf-limit', '0'], '+OK\r\n');
  });
});

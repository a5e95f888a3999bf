/**
 * Reply comparison of the differential fuzzer: byte for byte, except where Redis itself is not deterministic
 * (TTL jitter, KEYS order, SCAN cursors, RANDOMKEY, TIME, ids and addresses of connections, memory figures) and
 * where tierkv differs on purpose (README "Differences from Redis"): it reports Redis 7.2 where clients need it
 * (HELLO version, CLIENT SETINFO / NO-TOUCH, lib-name/lib-ver fields), always answers OBJECT FREQ/IDLETIME, has
 * tierkv-only commands, INFO sections and config parameters, its own help and documentation texts, and a command
 * table that is a subset of Redis's.
 *
 * Every rule is keyed by the command's name (and subcommand); anything without a rule must match exactly.
 */
import { RespError, RespVerbatim, decodeReply, frameReply, type RespValue } from '../support/resp.js';
import { commandName, type Cmd } from './gen.js';
import { PARAMS } from '../../server/config/params.js';

/** Allowed differences of remaining-time replies. */
export interface Tolerance {
  /** TTL and EXPIRETIME replies, in seconds (default 2). */
  toleranceSec?: number;
  /** PTTL and PEXPIRETIME replies, in ms (default 2000). */
  toleranceMs?: number;
}

const TTL_SECONDS = new Set(['TTL', 'EXPIRETIME']);
const TTL_MILLIS = new Set(['PTTL', 'PEXPIRETIME']);

/**
 * True if two replies to `command` count as the same: byte-identical, or, for TTL/EXPIRETIME (seconds) and
 * PTTL/PEXPIRETIME (ms), two non-negative integers within the tolerance (the servers run each command a few
 * ms apart, so remaining times differ slightly; -1 and -2 must match exactly).
 */
export function repliesEquivalent(command: Cmd, a: Buffer, b: Buffer, config: Tolerance = {}): boolean {
  if (a.equals(b)) return true;
  const name = (command[0] ?? Buffer.alloc(0)).toString('latin1').toUpperCase();
  const tolerance = TTL_SECONDS.has(name)
    ? (config.toleranceSec ?? 2)
    : TTL_MILLIS.has(name)
      ? (config.toleranceMs ?? 2000)
      : undefined;
  if (tolerance === undefined || command.length !== 2) return false;
  const na = nonNegativeInteger(a);
  const nb = nonNegativeInteger(b);
  return na !== undefined && nb !== undefined && absDiff(na, nb) <= BigInt(tolerance);
}

/** Integers as bigint: expiry times can exceed 2^53 (e.g. EXPIRE k 9223372036854775). */
function nonNegativeInteger(reply: Buffer): bigint | undefined {
  const m = /^:(\d+)\r\n$/.exec(reply.toString('latin1'));
  return m ? BigInt(m[1]!) : undefined;
}

const absDiff = (x: bigint, y: bigint): bigint => (x > y ? x - y : y - x);

/** What the comparison needs to know about the servers. */
export interface CompareEnv {
  /** Full names (lower case, `client|list`) of every command and subcommand tierkv implements. */
  tierkvCommands: ReadonlySet<string>;
  /**
   * Per error code, redis's error replies minus tierkv's among the replies accepted as deliberately different
   * (CLIENT SETINFO is an error on 7.0, OBJECT FREQ one without an LFU policy): INFO errorstats must differ by
   * exactly that. Reset by CONFIG RESETSTAT. Per run.
   */
  errorSkew?: Map<string, number>;
}

const errCode = (b: Buffer): string => {
  const t = b.toString('latin1', 1, Math.min(b.length, 64));
  const sp = t.search(/[ \r]/);
  return sp < 0 ? t : t.slice(0, sp);
};

/** Records a deliberate difference in error replies (see CompareEnv.errorSkew) and accepts it. */
function skewed(env: CompareEnv, a: Buffer, b: Buffer): null {
  const m = env.errorSkew;
  if (m !== undefined) {
    if (isError(b)) m.set(errCode(b), (m.get(errCode(b)) ?? 0) + 1);
    if (isError(a)) m.set(errCode(a), (m.get(errCode(a)) ?? 0) - 1);
  }
  return null;
}

/** Commands tierkv implements differently from Redis 7.0 on purpose; never compared. */
export const TIERKV_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  'object|tier', 'migrate_prepare', 'migrate_done', 'migrate_abort', 'client|setinfo', 'client|no-touch',
]);

/** INFO sections only tierkv prints. */
const TIERKV_ONLY_SECTIONS = new Set(['Tiers', 'Migration']);

/**
 * CONFIG GET parameters whose value legitimately differs between the two servers (addresses, paths, and
 * lfu-log-factor, whose default is 1 in tierkv): only their presence is compared.
 */
export const CONFIG_VALUE_DIFFERS: ReadonlySet<string> = new Set([
  'port', 'bind', 'dir', 'protected-mode', 'lfu-log-factor', 'logfile', 'pidfile', 'unixsocket', 'dbfilename',
]);

const text = (b: Buffer): string => b.toString('latin1');
const isError = (b: Buffer): boolean => b[0] === 0x2d || b[0] === 0x21;
const isInteger = (b: Buffer): boolean => b[0] === 0x3a;
const isNull = (b: Buffer): boolean => text(b) === '$-1\r\n' || text(b) === '*-1\r\n' || text(b) === '_\r\n';
const isBulk = (b: Buffer): boolean => b[0] === 0x24 && !isNull(b);

/** Raw children of an aggregate reply (`*`, `~`, `%` with 2 per pair), or null for anything else. */
export function children(buf: Buffer): Buffer[] | null {
  const t = buf[0];
  if (t !== 0x2a && t !== 0x7e && t !== 0x25) return null;
  const le = buf.indexOf('\r\n', 1);
  const n = Number(buf.toString('latin1', 1, le));
  if (!(n >= 0)) return null;
  const count = t === 0x25 ? 2 * n : n;
  const out: Buffer[] = [];
  let pos = le + 2;
  for (let i = 0; i < count; i++) {
    const f = frameReply(buf, pos);
    if (!f.complete) return null;
    out.push(buf.subarray(pos, f.end));
    pos = f.end;
  }
  return out;
}

/** A bulk or verbatim reply's text, or null. */
function textOf(b: Buffer): string | null {
  const v = decodeReply(b);
  if (typeof v === 'string') return v;
  if (v instanceof RespVerbatim) return String(v.text);
  return null;
}

/** Flat key/value pairs of a RESP2 array or RESP3 map reply as a Map of decoded strings, or null. */
function pairs(b: Buffer): Map<string, RespValue> | null {
  const v = decodeReply(b);
  const out = new Map<string, RespValue>();
  if (v instanceof Map) {
    for (const [k, x] of v) out.set(String(k), x);
    return out;
  }
  if (!Array.isArray(v) || v.length % 2 !== 0) return null;
  for (let i = 0; i < v.length; i += 2) out.set(String(v[i]), v[i + 1]!);
  return out;
}

/**
 * Compares tierkv's reply `a` with redis's reply `b` to `cmd`.
 * @param queued when `cmd` is the EXEC of a transaction, the commands it runs: an array reply is compared element
 *   by element, each with its command's rules (an EXECABORT error or a null array exactly)
 * @returns null when they count as the same, else a short reason
 */
export function compareReplies(cmd: Cmd, a: Buffer, b: Buffer, env: CompareEnv, queued?: readonly Cmd[]): string | null {
  const name = commandName(cmd);
  if (queued !== undefined && name === 'EXEC') return compareExec(a, b, env, queued);
  if (name === 'CONFIG|RESETSTAT' && text(a) === '+OK\r\n' && text(b) === '+OK\r\n') env.errorSkew?.clear();
  // INFO errorstats may have to differ (errorSkew), so identical INFO replies are checked like any other.
  if (a.equals(b) && name !== 'INFO') return null;
  const differ = 'replies differ';
  // Errors must match exactly, except for commands Redis 7.0 does not have (7.2's, tierkv's own).
  if (isError(b) && /^-ERR unknown subcommand '(SETINFO|NO-TOUCH)'/i.test(text(b))) {
    return name === 'CLIENT|SETINFO' || name === 'CLIENT|NO-TOUCH' ? skewed(env, a, b) : differ;
  }
  if (isError(a) || isError(b)) {
    if (name === 'OBJECT|FREQ' && /^-ERR An LFU maxmemory policy is not selected/.test(text(b)) && isInteger(a)) return skewed(env, a, b);
    if (name === 'OBJECT|IDLETIME' && /^-ERR An LFU maxmemory policy is selected/.test(text(b)) && isInteger(a)) return skewed(env, a, b);
    return differ;
  }
  switch (name) {
    case 'TTL':
    case 'PTTL':
    case 'EXPIRETIME':
    case 'PEXPIRETIME':
      return repliesEquivalent(cmd, a, b) ? null : differ;
    case 'KEYS': {
      const ca = children(a);
      const cb = children(b);
      if (ca === null || cb === null) return differ;
      const sa = ca.map(text).sort().join('\n');
      const sb = cb.map(text).sort().join('\n');
      return a[0] === b[0] && sa === sb ? null : 'KEYS: different keys';
    }
    case 'HKEYS':
    case 'HVALS':
    case 'HGETALL':
      // A hashtable's order is its own (a listpack's is the insertion order on both): the same elements, any order.
      return a[0] === b[0] && sortedUnits(a, name === 'HGETALL') === sortedUnits(b, name === 'HGETALL') ? null : `${name}: different elements`;
    case 'HRANDFIELD':
    case 'ZRANDMEMBER':
      // Same shapes: members with values (scores) are flat pairs in RESP2, [member, value] pairs in RESP3.
      return compareHrandfield(cmd, a, b);
    case 'HSCAN':
    case 'ZSCAN':
      return compareHscan(cmd, a, b);
    case 'SMEMBERS':
    case 'SINTER':
    case 'SUNION':
    case 'SDIFF':
      // A hashtable set's order is its hash table's.
      return sameMembers(a, b) ? null : 'set members differ';
    case 'SPOP':
    case 'SRANDMEMBER':
      // Random members: without a count one bulk (or nil) each; with a count the same reply type and number of
      // members, distinct unless SRANDMEMBER's count is negative.
      if (cmd.length === 2) return (isNull(a) && isNull(b)) || (isBulk(a) && isBulk(b)) ? null : differ;
      return sameRandomShape(a, b, name === 'SPOP' || !(cmd[2] ?? Buffer.alloc(0)).toString('latin1').startsWith('-')) ? null : differ;
    case 'SSCAN':
    case 'SCAN':
      // Cursors are implementation-defined (Redis's follow its hash table); full iterations are compared by scanAll.
      return scanShape(a) && scanShape(b) ? null : differ;
    case 'RANDOMKEY':
      return (isNull(a) && isNull(b)) || (isBulk(a) && isBulk(b)) ? null : 'RANDOMKEY: one is nil';
    case 'TIME':
      return children(a)?.length === 2 && children(b)?.length === 2 ? null : differ;
    case 'HELLO':
      return helloNorm(a) === helloNorm(b) ? null : differ;
    case 'CLIENT|ID':
    case 'CLIENT|KILL':
    case 'OBJECT|FREQ':
    case 'OBJECT|IDLETIME':
    case 'MEMORY|USAGE':
      // Ids, kill counts (other connections), access counters, idle seconds, memory figures: the type must match.
      return isInteger(a) && isInteger(b) ? null : differ;
    case 'CLIENT|INFO':
    case 'CLIENT|LIST':
      return clientNorm(a, name === 'CLIENT|LIST') === clientNorm(b, name === 'CLIENT|LIST') ? null : 'client fields differ';
    case 'OBJECT|HELP':
    case 'CLIENT|HELP':
    case 'CONFIG|HELP':
    case 'MEMORY|HELP':
    case 'COMMAND|HELP':
    case 'ACL|HELP':
      return helpShape(a) && helpShape(b) ? null : differ;
    case 'COMMAND':
      return compareAllCommandInfo(a, b, env);
    case 'MEMORY|STATS':
    case 'MEMORY|DOCTOR':
    case 'COMMAND|COUNT':
      return a[0] === b[0] ? null : differ;
    case 'INFO':
      return compareInfo(a, b, env);
    case 'CONFIG|GET':
      return compareConfigGet(a, b);
    case 'COMMAND|LIST':
      return compareCommandList(a, b, env);
    case 'COMMAND|INFO':
      return cmd.length === 2 ? compareAllCommandInfo(a, b, env) : compareCommandInfo(cmd, a, b, env);
    case 'COMMAND|DOCS':
      return compareCommandDocs(a, b, env);
    case 'COMMAND|GETKEYS': {
      const target = (cmd[2] ?? Buffer.alloc(0)).toString('latin1').toLowerCase();
      return env.tierkvCommands.has(target) ? differ : null;
    }
    default:
      return differ;
  }
}

/** EXEC of `queued`: the same reply type, then each element by its command's rules. */
function compareExec(a: Buffer, b: Buffer, env: CompareEnv, queued: readonly Cmd[]): string | null {
  const ca = a[0] === 0x2a ? children(a) : null;
  const cb = b[0] === 0x2a ? children(b) : null;
  if (ca === null || cb === null) return a.equals(b) ? null : 'replies differ';
  if (ca.length !== cb.length || cb.length !== queued.length) return `EXEC: tierkv ${ca.length} replies, redis ${cb.length}, ${queued.length} queued`;
  for (let i = 0; i < cb.length; i++) {
    const reason = compareReplies(queued[i]!, ca[i]!, cb[i]!, env);
    if (reason !== null) return `EXEC, reply ${i + 1} (${commandName(queued[i]!)}): ${reason}`;
  }
  return null;
}

/**
 * The elements of an aggregate reply as one sorted string (`pairs`: consecutive children taken two by two, a RESP3
 * map's key and value; a RESP3 nested pair is one element), or a marker when it is not an aggregate.
 */
function sortedUnits(b: Buffer, pairs: boolean): string {
  const c = children(b);
  if (c === null) return `<${text(b)}>`;
  const units: string[] = [];
  if (pairs && !(c.length > 0 && c[0]![0] === 0x2a)) {
    if (c.length % 2 !== 0) return `<odd ${text(b)}>`;
    for (let i = 0; i < c.length; i += 2) units.push(text(c[i]!) + text(c[i + 1]!));
  } else {
    for (const x of c) units.push(text(x));
  }
  return units.sort().join('\n');
}

/**
 * HRANDFIELD: random picks. Without a count, both nil or both a bulk string; with one, the same reply type and
 * length (the count, or the size when it is larger: then the whole hash on both sides, compared as a set).
 */
function compareHrandfield(cmd: Cmd, a: Buffer, b: Buffer): string | null {
  if (cmd.length === 2) return (isNull(a) && isNull(b)) || (isBulk(a) && isBulk(b)) ? null : 'HRANDFIELD: one is nil';
  const ca = children(a);
  const cb = children(b);
  if (ca === null || cb === null || a[0] !== b[0] || ca.length !== cb.length) return 'HRANDFIELD: shapes differ';
  for (let i = 0; i < ca.length; i++) if (ca[i]![0] !== cb[i]![0]) return 'HRANDFIELD: element types differ';
  const withValues = cmd.length === 4;
  const flatPairs = withValues && !(ca.length > 0 && ca[0]![0] === 0x2a);
  const picks = flatPairs ? ca.length / 2 : ca.length;
  let count: bigint;
  try {
    count = BigInt(cmd[2]!.toString('latin1'));
  } catch {
    return 'HRANDFIELD: a count that is not an integer got a reply';
  }
  // Fewer distinct picks than asked: the whole hash.
  if (count > 0n && BigInt(picks) < count) return sortedUnits(a, withValues) === sortedUnits(b, withValues) ? null : 'HRANDFIELD: different hashes';
  return null;
}

/**
 * HSCAN: cursors are implementation-defined, so the shape only, unless a scan from cursor 0 ends at 0 on both
 * sides in one call (a listpack hash, or a whole hashtable): then the same fields and values, in any order.
 */
function compareHscan(cmd: Cmd, a: Buffer, b: Buffer): string | null {
  if (!scanShape(a) || !scanShape(b)) return 'HSCAN: shapes differ';
  const ca = children(a)!;
  const cb = children(b)!;
  if (cmd[2]?.toString('latin1') !== '0' || text(ca[0]!) !== '$1\r\n0\r\n' || text(cb[0]!) !== '$1\r\n0\r\n') return null;
  return sortedUnits(ca[1]!, true) === sortedUnits(cb[1]!, true) ? null : 'HSCAN: different fields';
}

/** The same aggregate type with the same members in any order (RESP2 arrays, RESP3 sets). */
function sameMembers(a: Buffer, b: Buffer): boolean {
  const ca = children(a);
  const cb = children(b);
  if (ca === null || cb === null || a[0] !== b[0]) return false;
  return ca.map(text).sort().join('\n') === cb.map(text).sort().join('\n');
}

/** The same aggregate type and number of bulk strings; each side's distinct when `distinct`. */
function sameRandomShape(a: Buffer, b: Buffer, distinct: boolean): boolean {
  const ca = children(a);
  const cb = children(b);
  if (ca === null || cb === null || a[0] !== b[0] || ca.length !== cb.length) return false;
  if (!ca.every(isBulk) || !cb.every(isBulk)) return false;
  return !distinct || (new Set(ca.map(text)).size === ca.length && new Set(cb.map(text)).size === cb.length);
}

function scanShape(b: Buffer): boolean {
  const c = children(b);
  return c !== null && c.length === 2 && isBulk(c[0]!) && children(c[1]!) !== null;
}

function helpShape(b: Buffer): boolean {
  const c = children(b);
  return c !== null && c.length > 0 && c.every((x) => x[0] === 0x2b);
}

/** HELLO's reply with the version and the connection id blanked (tierkv says 7.2.0; ids differ). */
function helloNorm(b: Buffer): string {
  return text(b)
    .replace(/\$7\r\nversion\r\n\$\d+\r\n[^\r]*\r\n/, '$7\r\nversion\r\n<v>\r\n')
    .replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n<id>\r\n');
}

/** CLIENT fields that are the same on both servers for the same history (the rest: ids, addresses, sizes, times). */
const CLIENT_STABLE = ['name', 'db', 'sub', 'psub', 'ssub', 'multi', 'flags', 'cmd', 'user', 'redir', 'resp'];

/** CLIENT INFO (or the caller's line of CLIENT LIST) reduced to its field names and its stable values. */
function clientNorm(b: Buffer, list: boolean): string {
  const t = textOf(b);
  if (t === null) return `<${text(b)}>`;
  let lines = t.split('\n').filter((l) => l !== '');
  // The caller's line: its last command is this CLIENT LIST, or the EXEC that runs it.
  if (list) lines = lines.filter((l) => / cmd=(client\|list|exec) /.test(l));
  return `${b[0]}|${lines
    .map((line) => {
      const fields = line.split(' ').map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] as const);
      return fields
        .filter(([k]) => k !== 'lib-name' && k !== 'lib-ver')
        // NO-TOUCH (flag T) is Redis 7.2's.
        .map(([k, v]) => (k === 'flags' ? `flags=${v.replace('T', '') || 'N'}` : CLIENT_STABLE.includes(k) ? `${k}=${v}` : k))
        .join(' ');
    })
    .join('\n')}`;
}

/** INFO text as ordered sections of [field, value]. */
function infoSections(t: string): Map<string, Array<[string, string]>> {
  const out = new Map<string, Array<[string, string]>>();
  let cur: Array<[string, string]> | null = null;
  for (const line of t.split('\r\n')) {
    if (line.startsWith('# ')) {
      cur = [];
      out.set(line.slice(2), cur);
    } else if (line.includes(':') && cur !== null) {
      const i = line.indexOf(':');
      cur.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return out;
}

/** INFO fields redis prints that tierkv leaves out on purpose (features tierkv does not have). */
export const INFO_FIELDS_NOT_IN_TIERKV: ReadonlySet<string> = new Set<string>([]);

/**
 * INFO: the same sections in the same order (tierkv's own sections aside), every field redis prints also printed
 * by tierkv in that section, and the keyspace and errorstats sections equal (avg_ttl aside).
 */
function compareInfo(a: Buffer, b: Buffer, env: CompareEnv): string | null {
  const ta = textOf(a);
  const tb = textOf(b);
  if (ta === null || tb === null) return a[0] === b[0] ? null : 'INFO: reply types differ';
  if (a[0] !== b[0]) return 'INFO: reply types differ';
  const sa = infoSections(ta);
  const sb = infoSections(tb);
  const namesA = [...sa.keys()].filter((s) => !TIERKV_ONLY_SECTIONS.has(s));
  const namesB = [...sb.keys()];
  if (namesA.join(',') !== namesB.join(',')) return `INFO sections: tierkv [${namesA}] vs redis [${namesB}]`;
  for (const [sec, fb] of sb) {
    const fa = sa.get(sec)!;
    if (sec === 'Errorstats') {
      const counts = (f: Array<[string, string]>): Map<string, number> =>
        new Map(f.map(([k, v]) => [k.replace(/^errorstat_/, ''), Number(/count=(\d+)/.exec(v)?.[1] ?? NaN)]));
      const ca = counts(fa);
      const cb = counts(fb);
      for (const code of new Set([...ca.keys(), ...cb.keys(), ...(env.errorSkew?.keys() ?? [])])) {
        const d = (cb.get(code) ?? 0) - (ca.get(code) ?? 0);
        if (d !== (env.errorSkew?.get(code) ?? 0)) return `INFO Errorstats ${code}: tierkv ${ca.get(code) ?? 0} vs redis ${cb.get(code) ?? 0}`;
      }
      continue;
    }
    if (sec === 'Keyspace') {
      const norm = (f: Array<[string, string]>): string => f.map(([k, v]) => `${k}:${v.replace(/avg_ttl=\d+/, 'avg_ttl=*')}`).sort().join(' ');
      if (norm(fa) !== norm(fb)) return `INFO ${sec}: tierkv "${norm(fa)}" vs redis "${norm(fb)}"`;
      continue;
    }
    if (sec === 'Commandstats' || sec === 'Latencystats') continue;
    const have = new Set(fa.map(([k]) => k));
    const missing = fb.map(([k]) => k).filter((k) => !have.has(k) && !INFO_FIELDS_NOT_IN_TIERKV.has(k));
    if (missing.length > 0) return `INFO ${sec}: tierkv lacks ${missing.join(', ')}`;
  }
  return null;
}

/** CONFIG GET: every parameter redis returns, tierkv returns too, with the same value (see CONFIG_VALUE_DIFFERS). */
function compareConfigGet(a: Buffer, b: Buffer): string | null {
  const pa = pairs(a);
  const pb = pairs(b);
  if (pa === null || pb === null || a[0] !== b[0]) return 'CONFIG GET: reply shapes differ';
  for (const [k, v] of pb) {
    if (!pa.has(k)) return `CONFIG GET: tierkv lacks ${k}`;
    if (!CONFIG_VALUE_DIFFERS.has(k.toLowerCase()) && String(pa.get(k)) !== String(v)) {
      return `CONFIG GET ${k}: tierkv "${String(pa.get(k))}" vs redis "${String(v)}"`;
    }
  }
  for (const k of pa.keys()) {
    // tierkv's own parameters aside, tierkv must not return more than redis (a pattern matching too much).
    if (!pb.has(k) && !TIERKV_PARAMS.has(k.toLowerCase())) return `CONFIG GET: tierkv returns ${k}, redis does not`;
  }
  return null;
}

/** Parameters only tierkv has (from their declarations, server/config/params.ts). */
export const TIERKV_PARAMS: ReadonlySet<string> = new Set(PARAMS.filter((d) => d.own).map((d) => d.name));

function compareCommandList(a: Buffer, b: Buffer, env: CompareEnv): string | null {
  const va = decodeReply(a);
  const vb = decodeReply(b);
  if (!Array.isArray(va) || !Array.isArray(vb)) return 'COMMAND LIST: shapes differ';
  const la = new Set(va.map(String).filter((s) => !TIERKV_ONLY_COMMANDS.has(s)));
  const lb = new Set(vb.map(String).filter((s) => env.tierkvCommands.has(s) && !TIERKV_ONLY_COMMANDS.has(s)));
  const extra = [...la].filter((x) => !lb.has(x));
  const missing = [...lb].filter((x) => !la.has(x));
  return extra.length === 0 && missing.length === 0 ? null : `COMMAND LIST: tierkv extra [${extra}] missing [${missing}]`;
}

/** COMMAND / COMMAND INFO without names: tierkv's commands, matched by name with redis's, compared one by one. */
function compareAllCommandInfo(a: Buffer, b: Buffer, env: CompareEnv): string | null {
  const ca = children(a);
  const cb = children(b);
  if (ca === null || cb === null) return 'COMMAND: shapes differ';
  const name = (x: Buffer): string => String((decodeReply(x) as RespValue[])[0]);
  const byName = new Map(cb.map((x) => [name(x), x]));
  const names: Cmd = [];
  const left: Buffer[] = [];
  const right: Buffer[] = [];
  for (const x of ca) {
    const n = name(x);
    if (TIERKV_ONLY_COMMANDS.has(n)) continue;
    const y = byName.get(n);
    if (y === undefined) return `COMMAND: redis lacks ${n}`;
    names.push(Buffer.from(n, 'latin1'));
    left.push(x);
    right.push(y);
  }
  const agg = (xs: Buffer[]): Buffer => Buffer.concat([Buffer.from(`*${xs.length}\r\n`), ...xs]);
  return compareCommandInfo([Buffer.from('COMMAND'), Buffer.from('INFO'), ...names], agg(left), agg(right), env);
}

function compareCommandInfo(cmd: Cmd, a: Buffer, b: Buffer, env: CompareEnv): string | null {
  const ca = children(a);
  const cb = children(b);
  if (ca === null || cb === null || ca.length !== cb.length) return 'COMMAND INFO: shapes differ';
  for (let i = 0; i < cb.length; i++) {
    const n = (cmd[2 + i] ?? Buffer.alloc(0)).toString('latin1').toLowerCase();
    if (!env.tierkvCommands.has(n) || TIERKV_ONLY_COMMANDS.has(n)) continue;
    if (ca[i]!.equals(cb[i]!)) continue;
    const ea = children(ca[i]!);
    const eb = children(cb[i]!);
    if (ea === null || eb === null || ea.length !== 10 || eb.length !== 10) return `COMMAND INFO ${n} differs`;
    for (let f = 0; f < 9; f++) if (!ea[f]!.equals(eb[f]!)) return `COMMAND INFO ${n} differs in field ${f + 1}`;
    // Subcommands: Redis lists them in hash order and has more; compare those tierkv has, as a set.
    const subName = (x: Buffer): string => String((decodeReply(x) as RespValue[])[0]);
    const sa = (children(ea[9]!) ?? []).filter((x) => !TIERKV_ONLY_COMMANDS.has(subName(x))).map(text).sort();
    const sb = (children(eb[9]!) ?? []).filter((x) => env.tierkvCommands.has(subName(x)) && !TIERKV_ONLY_COMMANDS.has(subName(x))).map(text).sort();
    if (sa.join('\n') !== sb.join('\n')) return `COMMAND INFO ${n}: subcommands differ`;
  }
  return null;
}

/** Documentation fields that are prose (tierkv writes its own) or 7.2 additions: not compared. */
const DOC_PROSE = new Set(['summary', 'complexity', 'display_text', 'history', 'replaced_by']);

function docNorm(v: RespValue, env: CompareEnv): unknown {
  if (v instanceof Map || (Array.isArray(v) && v.length % 2 === 0 && v.every((x, i) => i % 2 === 1 || typeof x === 'string'))) {
    const entries: Array<[string, RespValue]> = v instanceof Map ? [...v].map(([k, x]) => [String(k), x]) : [];
    if (Array.isArray(v)) for (let i = 0; i < v.length; i += 2) entries.push([String(v[i]), v[i + 1]!]);
    const out: Array<[string, unknown]> = [];
    for (const [k, x] of entries) {
      if (DOC_PROSE.has(k)) continue;
      out.push([k, docNorm(x, env)]);
    }
    return out;
  }
  if (Array.isArray(v)) return v.map((x) => docNorm(x, env));
  if (v instanceof Set) return [...v].map((x) => docNorm(x, env));
  if (v instanceof RespError) return `!${v.message}`;
  return v;
}

/** COMMAND DOCS: for every command both have, the same structure (arguments, tokens, flags, since) minus prose. */
function compareCommandDocs(a: Buffer, b: Buffer, env: CompareEnv): string | null {
  const pa = pairs(a);
  const pb = pairs(b);
  if (pa === null || pb === null || a[0] !== b[0]) return 'COMMAND DOCS: shapes differ';
  for (const [name, docB] of pb) {
    if (!env.tierkvCommands.has(name) || TIERKV_ONLY_COMMANDS.has(name)) continue;
    const docA = pa.get(name);
    if (docA === undefined) return `COMMAND DOCS: tierkv lacks ${name}`;
    const na = JSON.stringify(filterSubcommands(docNorm(docA, env), env));
    const nb = JSON.stringify(filterSubcommands(docNorm(docB, env), env));
    if (na !== nb) return `COMMAND DOCS ${name}: tierkv ${na.slice(0, 2000)} vs redis ${nb.slice(0, 2000)}`;
  }
  for (const name of pa.keys()) if (!pb.has(name) && !TIERKV_ONLY_COMMANDS.has(name)) return `COMMAND DOCS: tierkv returns ${name}, redis does not`;
  return null;
}

/** Drops, from a normalized doc, the subcommands tierkv does not implement and its own ones. */
function filterSubcommands(doc: unknown, env: CompareEnv): unknown {
  if (!Array.isArray(doc)) return doc;
  return doc.map((e) => {
    if (!Array.isArray(e) || e[0] !== 'subcommands' || !Array.isArray(e[1])) return e;
    const subs = (e[1] as Array<[string, unknown]>).filter(([n]) => env.tierkvCommands.has(n) && !TIERKV_ONLY_COMMANDS.has(n)).sort((x, y) => (x[0] < y[0] ? -1 : 1));
    return ['subcommands', subs];
  });
}

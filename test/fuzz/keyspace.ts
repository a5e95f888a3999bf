/**
 * The final check of a fuzz run: the keyspace of each server read through a connection (for each database:
 * SELECT, `KEYS *` sorted, then TYPE, GET (for a hash also HGETALL, its fields sorted; a set: SMEMBERS, sorted; a
 * list: then LRANGE 0 -1) and PTTL of every key) and the two dumps compared, PTTLs within a tolerance.
 */
import { decodeReply, showBytes } from '../support/resp.js';

/** Sends one command and returns the raw bytes of its reply. */
export type Exec = (command: Buffer[]) => Promise<Buffer>;

/** What to dump and how to compare. */
export interface DumpConfig {
  /** Databases read (default 1: database 0 only). */
  databases?: number;
  /** Allowed difference of two non-negative PTTLs, in ms (default 2000). */
  toleranceMs?: number;
}

const absDiff = (x: bigint, y: bigint): bigint => (x > y ? x - y : y - x);

/** One key of a keyspace dump: raw TYPE and GET replies, and the PTTL as a number. */
export interface DumpEntry {
  db: number;
  key: Buffer;
  type: Buffer;
  /** The GET reply; for a hash followed by its fields and values (HGETALL, sorted by field). */
  value: Buffer;
  /** PTTL reply value (bigint: it can exceed 2^53). */
  pttl: bigint;
}

/** A keyspace dump: the keys, and the databases that could not be read (SELECT failed), as messages. */
export interface Dump {
  entries: DumpEntry[];
  errors: string[];
}

/**
 * Reads the whole keyspace through one connection (`exec` sends one command and returns its raw reply): for each database, SELECT, `KEYS *` (sorted bytewise), then
 * TYPE, GET and PTTL of every key. A database whose SELECT fails is listed in `errors` and skipped. Leaves the
 * connection on the last database.
 * @throws if a reply has an unexpected shape (the message shows it).
 */
export async function dumpKeyspace(exec: Exec, config: DumpConfig = {}): Promise<Dump> {
  const out: DumpEntry[] = [];
  const errors: string[] = [];
  const cmd = (...args: (string | Buffer)[]): Promise<Buffer> =>
    exec(args.map((x) => (typeof x === 'string' ? Buffer.from(x) : x)));
  for (let db = 0; db < (config.databases ?? 1); db++) {
    const sel = await cmd('SELECT', String(db));
    if (sel.toString('latin1') !== '+OK\r\n') {
      errors.push(`db ${db}: SELECT ${db} replied ${showBytes(sel)}`);
      continue;
    }
    const keysReply = await cmd('KEYS', '*');
    const keys = decodeReply(keysReply, { buffers: true });
    if (!Array.isArray(keys) || !keys.every((k) => Buffer.isBuffer(k))) {
      throw new Error(`KEYS * in db ${db} replied ${showBytes(keysReply)}`);
    }
    const sorted = (keys as Buffer[]).slice().sort(Buffer.compare);
    for (const key of sorted) {
      const type = await cmd('TYPE', key);
      // A set's value: its members sorted (SMEMBERS order is a hash table's), one bulk string each.
      let value = type.toString('latin1') === '+set\r\n' ? sortedMembers(await cmd('SMEMBERS', key)) : await cmd('GET', key);
      if (type.toString('latin1') === '+hash\r\n') value = Buffer.concat([value, sortedHash(await cmd('HGETALL', key))]);
      if (type.toString('latin1') === '+list\r\n') value = Buffer.concat([value, await cmd('LRANGE', key, '0', '-1')]);
      if (type.toString('latin1') === '+zset\r\n') value = Buffer.concat([value, await cmd('ZRANGE', key, '0', '-1', 'WITHSCORES')]);
      const pttlReply = await cmd('PTTL', key);
      const m = /^:(-?\d+)\r\n$/.exec(pttlReply.toString('latin1'));
      if (!m) throw new Error(`PTTL ${showBytes(key)} replied ${showBytes(pttlReply)}`);
      out.push({ db, key, type, value, pttl: BigInt(m[1]!) });
    }
  }
  return { entries: out, errors };
}

/** A RESP2 HGETALL reply with its field/value pairs sorted by field (a hashtable's order is the server's own). */
function sortedHash(reply: Buffer): Buffer {
  const v = decodeReply(reply, { buffers: true });
  if (!Array.isArray(v)) return reply;
  const pairs: Buffer[][] = [];
  for (let i = 0; i + 1 < v.length; i += 2) pairs.push([v[i] as Buffer, v[i + 1] as Buffer]);
  pairs.sort((x, y) => Buffer.compare(x[0]!, y[0]!));
  return Buffer.concat(pairs.flatMap(([f, x]) => [Buffer.from(` ${f!.length}:`), f!, Buffer.from(`=${x!.length}:`), x!]));
}

/** An SMEMBERS reply with its members sorted bytewise (an error or any other reply as it is). */
function sortedMembers(reply: Buffer): Buffer {
  const v = decodeReply(reply, { buffers: true });
  if (!Array.isArray(v)) return reply;
  const ms = (v as Buffer[]).slice().sort(Buffer.compare);
  return Buffer.concat([Buffer.from(`*${ms.length}\r\n`), ...ms.map((m) => Buffer.concat([Buffer.from(`$${m.length}\r\n`), m, Buffer.from('\r\n')]))]);
}

/** Differences between two keyspace dumps (empty if equal; PTTLs compared within the ms tolerance). */
export function compareDumps(dumpA: Dump, dumpB: Dump, nameA: string, nameB: string, config: DumpConfig = {}): string[] {
  const a = dumpA.entries;
  const b = dumpB.entries;
  const tol = config.toleranceMs ?? 2000;
  const id = (e: DumpEntry): string => `${e.db}:${e.key.toString('hex')}`;
  const mb = new Map(b.map((e) => [id(e), e]));
  const ma = new Map(a.map((e) => [id(e), e]));
  const diffs: string[] = [];
  if (dumpA.errors.join('\n') !== dumpB.errors.join('\n')) {
    for (const e of dumpA.errors) diffs.push(`${nameA}: ${e}`);
    for (const e of dumpB.errors) diffs.push(`${nameB}: ${e}`);
  }
  const label = (e: DumpEntry): string => `db ${e.db} key ${showBytes(e.key, 60)}`;
  for (const ea of a) {
    const eb = mb.get(id(ea));
    if (!eb) {
      diffs.push(`${label(ea)}: exists only in ${nameA} (value ${showBytes(ea.value, 60)}, pttl ${ea.pttl})`);
      continue;
    }
    if (!ea.type.equals(eb.type)) diffs.push(`${label(ea)}: TYPE ${nameA} ${showBytes(ea.type)} vs ${nameB} ${showBytes(eb.type)}`);
    if (!ea.value.equals(eb.value)) {
      diffs.push(`${label(ea)}: GET ${nameA} ${showBytes(ea.value, 80)} vs ${nameB} ${showBytes(eb.value, 80)}`);
    }
    const ttlOk = ea.pttl === eb.pttl || (ea.pttl >= 0n && eb.pttl >= 0n && absDiff(ea.pttl, eb.pttl) <= BigInt(tol));
    if (!ttlOk) diffs.push(`${label(ea)}: PTTL ${nameA} ${ea.pttl} vs ${nameB} ${eb.pttl}`);
  }
  for (const eb of b) {
    if (!ma.has(id(eb))) diffs.push(`${label(eb)}: exists only in ${nameB} (value ${showBytes(eb.value, 60)}, pttl ${eb.pttl})`);
  }
  return diffs.slice(0, 20).concat(diffs.length > 20 ? [`... and ${diffs.length - 20} more`] : []);
}

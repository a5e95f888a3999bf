/**
 * RESP2/RESP3 wire helpers for tests: a framer that finds where exactly one reply ends in a byte stream, a
 * decoder from the raw bytes of one reply to a JS value for assertions, an encoder for commands, and a printer
 * that shows raw bytes readably in failure messages.
 *
 * Type bytes understood (nested to any depth, including RESP3 streamed strings/aggregates and attributes):
 *   + simple string   - simple error    : integer      $ bulk string (and $-1 null, $? streamed)
 *   * array (*-1 null, *? streamed)     _ null         , double       # boolean
 *   ! blob error      = verbatim string ( big number   % map          ~ set
 *   > push            | attribute (an attribute map followed by the value it annotates: framed as one reply)
 *
 * Nothing here talks to a network; see raw-client.ts for the socket side.
 */

const CR = 0x0d;
const LF = 0x0a;

/** Thrown when bytes cannot be the start of a valid RESP reply (bad type byte, bad length, missing CRLF...). */
export class RespFramingError extends Error {
  constructor(
    message: string,
    /** Absolute offset in the buffer where the problem was found. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'RespFramingError';
  }
}

/**
 * Result of {@link frameReply}: either the reply is complete and ends (exclusive) at `end`, or more bytes are
 * needed and the buffer must be at least `need` bytes long before framing can make progress (a lower bound:
 * for a bulk string it is the exact end of its payload, so a 100 MiB value is not re-scanned on every chunk).
 */
export type FrameResult = { complete: true; end: number } | { complete: false; need: number };

/** Marker for streamed aggregates (`*?`, `~?`, `%?`, `>?`) on the framer stack: ends at a `.` element. */
const STREAMED = -1;

/**
 * Finds the end of the single RESP reply that starts at `start` in `buf`.
 *
 * @param buf bytes received so far (may hold a partial reply, or several replies back to back).
 * @param start offset of the first byte of the reply (its type byte).
 * @returns `{complete: true, end}` with `end` the offset just past the reply's final CRLF, or
 *   `{complete: false, need}` if `buf` ends before the reply does.
 * @throws RespFramingError if the bytes are not valid RESP2/RESP3.
 */
export function frameReply(buf: Buffer, start = 0): FrameResult {
  // Remaining element counts of the open aggregates, innermost last; STREAMED for `?` aggregates.
  const stack: number[] = [];
  let pos = start;
  for (;;) {
    if (pos >= buf.length) return { complete: false, need: pos + 1 };
    const type = buf[pos]!;
    const lineEnd = findCrlf(buf, pos + 1);
    if (lineEnd < 0) return { complete: false, need: buf.length + 1 };
    const line = buf.toString('latin1', pos + 1, lineEnd);
    let next = lineEnd + 2;
    let opened = false; // true if this element opened an aggregate (its completion comes later)
    switch (type) {
      case 0x2b: // + simple string
      case 0x2d: // - simple error
        break;
      case 0x3a: // : integer
        if (!/^[-+]?\d+$/.test(line)) throw new RespFramingError(`bad integer ${JSON.stringify(line)}`, pos);
        break;
      case 0x28: // ( big number
        if (!/^[-+]?\d+$/.test(line)) throw new RespFramingError(`bad big number ${JSON.stringify(line)}`, pos);
        break;
      case 0x2c: // , double
        if (!/^([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|[-+]?inf|nan)$/i.test(line)) {
          throw new RespFramingError(`bad double ${JSON.stringify(line)}`, pos);
        }
        break;
      case 0x23: // # boolean
        if (line !== 't' && line !== 'f') throw new RespFramingError(`bad boolean ${JSON.stringify(line)}`, pos);
        break;
      case 0x5f: // _ null
        if (line !== '') throw new RespFramingError(`bad null ${JSON.stringify(line)}`, pos);
        break;
      case 0x24: // $ bulk string
      case 0x21: // ! blob error
      case 0x3d: {
        // = verbatim string
        if (type === 0x24 && line === '?') {
          // Streamed string: ;<len>\r\n<bytes>\r\n ... ;0\r\n
          let p = next;
          for (;;) {
            if (p >= buf.length) return { complete: false, need: p + 1 };
            if (buf[p] !== 0x3b) throw new RespFramingError(`expected ';' chunk in streamed string`, p);
            const chunkLineEnd = findCrlf(buf, p + 1);
            if (chunkLineEnd < 0) return { complete: false, need: buf.length + 1 };
            const n = parseLength(buf.toString('latin1', p + 1, chunkLineEnd), p);
            if (n < 0) throw new RespFramingError('negative streamed chunk length', p);
            if (n === 0) {
              p = chunkLineEnd + 2;
              break;
            }
            const chunkEnd = chunkLineEnd + 2 + n + 2;
            if (buf.length < chunkEnd) return { complete: false, need: chunkEnd };
            expectCrlf(buf, chunkEnd - 2);
            p = chunkEnd;
          }
          next = p;
          break;
        }
        const n = parseLength(line, pos);
        if (n === -1 && type === 0x24) break; // RESP2 null bulk string
        if (n < 0) throw new RespFramingError(`bad length ${n}`, pos);
        const end = next + n + 2;
        if (buf.length < end) return { complete: false, need: end };
        expectCrlf(buf, end - 2);
        if (type === 0x3d && (n < 4 || buf[next + 3] !== 0x3a)) {
          throw new RespFramingError('verbatim string without "xxx:" format prefix', pos);
        }
        next = end;
        break;
      }
      case 0x2a: // * array
      case 0x7e: // ~ set
      case 0x3e: // > push
      case 0x25: // % map
      case 0x7c: {
        // | attribute
        const perEntry = type === 0x25 || type === 0x7c ? 2 : 1;
        if (line === '?' && type !== 0x7c) {
          stack.push(STREAMED);
          opened = true;
          break;
        }
        const n = parseLength(line, pos);
        if (n === -1 && type === 0x2a) break; // RESP2 null array
        if (n < 0) throw new RespFramingError(`bad aggregate length ${n}`, pos);
        // An attribute is followed by the value it annotates; frame both as one unit.
        const count = n * perEntry + (type === 0x7c ? 1 : 0);
        if (count > 0) {
          stack.push(count);
          opened = true;
        }
        break;
      }
      case 0x2e: // . end of a streamed aggregate
        if (line !== '' || stack.length === 0 || stack[stack.length - 1] !== STREAMED) {
          throw new RespFramingError(`unexpected '.' outside a streamed aggregate`, pos);
        }
        stack.pop();
        break;
      default:
        throw new RespFramingError(`unknown RESP type byte 0x${type.toString(16).padStart(2, '0')}`, pos);
    }
    pos = next;
    if (opened) continue;
    // One element completed; close every aggregate that it completes.
    for (;;) {
      if (stack.length === 0) return { complete: true, end: pos };
      const top = stack.length - 1;
      if (stack[top] === STREAMED) break;
      stack[top]!--;
      if (stack[top]! > 0) break;
      stack.pop();
    }
  }
}

function findCrlf(buf: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const cr = buf.indexOf(CR, i);
    if (cr < 0 || cr + 1 >= buf.length) return -1;
    if (buf[cr + 1] === LF) return cr;
    i = cr + 1;
  }
}

function parseLength(line: string, offset: number): number {
  if (!/^-?\d+$/.test(line)) throw new RespFramingError(`bad length ${JSON.stringify(line)}`, offset);
  const n = Number(line);
  if (!Number.isSafeInteger(n)) throw new RespFramingError(`length out of range ${line}`, offset);
  return n;
}

function expectCrlf(buf: Buffer, at: number): void {
  if (buf[at] !== CR || buf[at + 1] !== LF) throw new RespFramingError('missing CRLF after payload', at);
}

/**
 * Splits a buffer holding zero or more complete replies back to back into the raw bytes of each.
 * @throws RespFramingError on invalid RESP or if the buffer ends inside a reply.
 */
export function splitReplies(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const r = frameReply(buf, pos);
    if (!r.complete) throw new RespFramingError('buffer ends inside a reply', pos);
    out.push(buf.subarray(pos, r.end));
    pos = r.end;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

/** An error reply (`-` simple error or `!` blob error). `code` is the first word, e.g. "ERR", "WRONGTYPE". */
export class RespError {
  readonly code: string;
  constructor(
    /** Full error text without the type byte and CRLF, e.g. "ERR syntax error". */
    readonly message: string,
    /** True for a RESP3 blob error (`!`). */
    readonly blob = false,
  ) {
    const space = message.indexOf(' ');
    this.code = space < 0 ? message : message.slice(0, space);
  }
  toString(): string {
    return `RespError(${this.message})`;
  }
}

/** A RESP3 verbatim string (`=`): 3-byte format such as "txt" or "mkd", and the text after "xxx:". */
export class RespVerbatim {
  constructor(
    readonly format: string,
    readonly text: string | Buffer,
  ) {}
}

/** A RESP3 out-of-band push message (`>`), e.g. pub/sub messages and invalidations. */
export class RespPush {
  constructor(readonly items: RespValue[]) {}
}

/** A value preceded by a RESP3 attribute map (`|`). */
export class RespAttributed {
  constructor(
    readonly attributes: Map<RespValue, RespValue>,
    readonly value: RespValue,
  ) {}
}

/**
 * JS value of one decoded reply:
 * - `+` simple string → string; `$`/`=` payloads → string (UTF-8) or, with `{ buffers: true }`, Buffer
 *   (verbatim strings are wrapped in {@link RespVerbatim});
 * - `:` integer → number when it is a safe integer, else bigint; `(` big number → bigint;
 * - `,` double → number (inf/-inf/nan → ±Infinity/NaN); `#` → boolean;
 * - `$-1`, `*-1`, `_` → null;
 * - `-`/`!` → {@link RespError} (returned, not thrown);
 * - `*` → array, `~` → Set, `%` → Map, `>` → {@link RespPush}, `|` → {@link RespAttributed}.
 */
export type RespValue =
  | string
  | Buffer
  | number
  | bigint
  | boolean
  | null
  | RespError
  | RespVerbatim
  | RespPush
  | RespAttributed
  | RespValue[]
  | Set<RespValue>
  | Map<RespValue, RespValue>;

/** Options for {@link decodeReply}. */
export interface DecodeOptions {
  /** Return bulk/verbatim payloads as Buffers instead of UTF-8 strings (for binary data). Default false. */
  buffers?: boolean;
}

/**
 * Decodes the raw bytes of exactly one reply (as returned by RawClient.readReply) into a JS value, see
 * {@link RespValue} for the mapping.
 * @throws RespFramingError if `raw` is not exactly one complete valid reply.
 */
export function decodeReply(raw: Buffer, options: DecodeOptions = {}): RespValue {
  const framed = frameReply(raw, 0);
  if (!framed.complete || framed.end !== raw.length) {
    throw new RespFramingError(
      framed.complete ? `trailing bytes after reply (${raw.length - framed.end})` : 'incomplete reply',
      framed.complete ? framed.end : raw.length,
    );
  }
  const state = { pos: 0 };
  return decodeAt(raw, state, options.buffers === true);
}

function decodeAt(buf: Buffer, state: { pos: number }, buffers: boolean): RespValue {
  const start = state.pos;
  const type = buf[start]!;
  const lineEnd = findCrlf(buf, start + 1);
  const line = buf.toString('utf8', start + 1, lineEnd);
  state.pos = lineEnd + 2;
  const bytes = (b: Buffer): string | Buffer => (buffers ? Buffer.from(b) : b.toString('utf8'));
  switch (type) {
    case 0x2b:
      return line;
    case 0x2d:
      return new RespError(line);
    case 0x3a: {
      const n = Number(line);
      return Number.isSafeInteger(n) ? n : BigInt(line);
    }
    case 0x28:
      return BigInt(line);
    case 0x2c: {
      const l = line.toLowerCase();
      if (l === 'inf' || l === '+inf') return Infinity;
      if (l === '-inf') return -Infinity;
      if (l === 'nan') return NaN;
      return Number(line);
    }
    case 0x23:
      return line === 't';
    case 0x5f:
      return null;
    case 0x24:
    case 0x21:
    case 0x3d: {
      let payload: Buffer;
      if (line === '?') {
        const parts: Buffer[] = [];
        for (;;) {
          const chunkLineEnd = findCrlf(buf, state.pos + 1);
          const n = Number(buf.toString('latin1', state.pos + 1, chunkLineEnd));
          state.pos = chunkLineEnd + 2;
          if (n === 0) break;
          parts.push(buf.subarray(state.pos, state.pos + n));
          state.pos += n + 2;
        }
        payload = Buffer.concat(parts);
      } else {
        const n = Number(line);
        if (n === -1) return null;
        payload = buf.subarray(state.pos, state.pos + n);
        state.pos += n + 2;
      }
      if (type === 0x21) return new RespError(payload.toString('utf8'), true);
      if (type === 0x3d) return new RespVerbatim(payload.toString('latin1', 0, 3), bytes(payload.subarray(4)));
      return bytes(payload);
    }
    case 0x2a:
    case 0x7e:
    case 0x3e:
    case 0x25:
    case 0x7c: {
      const streamed = line === '?';
      const n = streamed ? Infinity : Number(line);
      if (n === -1) return null;
      const isMapLike = type === 0x25 || type === 0x7c;
      const items: RespValue[] = [];
      for (let i = 0; i < n * (isMapLike ? 2 : 1); i++) {
        if (streamed && buf[state.pos] === 0x2e) {
          state.pos += 3; // ".\r\n"
          break;
        }
        items.push(decodeAt(buf, state, buffers));
      }
      if (type === 0x2a) return items;
      if (type === 0x7e) return new Set(items);
      if (type === 0x3e) return new RespPush(items);
      const map = new Map<RespValue, RespValue>();
      for (let i = 0; i < items.length; i += 2) map.set(items[i]!, items[i + 1]!);
      if (type === 0x25) return map;
      return new RespAttributed(map, decodeAt(buf, state, buffers));
    }
    default:
      throw new RespFramingError(`unknown RESP type byte 0x${type.toString(16)}`, start);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Encoding and printing

/** A command argument: strings are sent as UTF-8, numbers in decimal, Buffers byte for byte. */
export type Arg = string | Buffer | number | bigint;

/** Bytes of one argument as sent on the wire. */
export function argBytes(arg: Arg): Buffer {
  return Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg), 'utf8');
}

/** Encodes a command as a RESP multibulk (`*N\r\n$len\r\narg\r\n...`), the form every client sends. */
export function encodeCommand(args: readonly Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const a of args) {
    const b = argBytes(a);
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

/**
 * Shows bytes readably for failure messages: printable ASCII as is, `\r` `\n` `\t` `\\` `\"` escaped, anything
 * else as `\xNN`; if longer than `max` bytes, the middle is elided with a note of the total length.
 */
export function showBytes(buf: Buffer | string, max = 300): string {
  const b = typeof buf === 'string' ? Buffer.from(buf, 'utf8') : buf;
  const esc = (part: Buffer): string => {
    let s = '';
    for (const c of part) {
      if (c === 0x0d) s += '\\r';
      else if (c === 0x0a) s += '\\n';
      else if (c === 0x09) s += '\\t';
      else if (c === 0x5c) s += '\\\\';
      else if (c === 0x22) s += '\\"';
      else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
      else s += `\\x${c.toString(16).padStart(2, '0')}`;
    }
    return s;
  };
  if (b.length <= max) return `"${esc(b)}"`;
  const half = Math.floor(max / 2);
  return `"${esc(b.subarray(0, half))}"...(${b.length} bytes)..."${esc(b.subarray(b.length - half))}"`;
}

/** Shows a command readably: each argument via {@link showBytes}, space separated. */
export function showCommand(args: readonly Arg[], maxArg = 80): string {
  return args.map((a) => showBytes(argBytes(a), maxArg)).join(' ');
}

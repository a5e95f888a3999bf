/**
 * Splitting of a text line into arguments the way Redis does for inline commands and configuration-file lines.
 *
 * The rules follow Redis 7.0 sds.c sdssplitargs (behaviour described here in our own words, verified against
 * redis-server 7.0.15 over inline requests):
 * - Blanks between arguments are skipped; a blank is any C isspace() byte: space, \t, \n, \v, \f, \r.
 * - Outside quotes an argument ends at space, \t, \n, \r or end of input (NOT at \v or \f, which are kept as
 *   argument bytes when they are not leading).
 * - A double quote starts a quoted part in which \n \r \t \b \a are escapes, \xHH (two hex digits) is a byte, and a
 *   backslash before any other byte yields that byte (so \\ and \" give \ and ").
 * - A single quote starts a quoted part in which only \' is an escape; every other byte is literal.
 * - Quoted parts may follow unquoted bytes of the same argument (a"b c" is the single argument `ab c`), but a
 *   closing quote must be followed by a blank or the end of input, and an unterminated quote is an error.
 * - The input is treated like a C string: a NUL byte ends it (whatever follows is ignored).
 */

/** True for the bytes C isspace() accepts in the "C" locale. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Value of a hex digit byte, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Upper bound of the number of arguments a line of `len` bytes can split into (every argument takes at least one
 * byte plus one separator). Callers size the `argOff`/`argLen` arrays of {@link splitArgsInto} with it.
 */
export function maxSplitArgs(len: number): number {
  return (len + 1) >> 1;
}

/**
 * Allocation-free splitter: splits the bytes `src[start, end)` into arguments, writing the unescaped argument bytes
 * contiguously into `out` starting at offset 0, and argument i's offset/length in `out` into `argOff[i]`/`argLen[i]`.
 *
 * Shapes: `out.length` must be at least `end - start` (unescaping never makes the text longer); `argOff.length` and
 * `argLen.length` must be at least `maxSplitArgs(end - start)`. No bounds are re-checked, so undersized arrays give
 * wrong results rather than exceptions.
 *
 * @returns the number of arguments (0 for an empty or blank line), or -1 when quotes are unbalanced (an
 *   unterminated quote, or a closing quote followed by a non-blank byte) — Redis's "unbalanced quotes" case.
 *   Never throws.
 */
export function splitArgsInto(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  argOff: Int32Array,
  argLen: Int32Array,
): number {
  // A NUL byte ends the input, as sdssplitargs reads a C string.
  for (let i = start; i < end; i++) {
    if (src[i] === 0) {
      end = i;
      break;
    }
  }
  let p = start;
  let o = 0;
  let argc = 0;
  for (;;) {
    while (p < end && isSpace(src[p]!)) p++;
    if (p >= end) return argc;
    const argStart = o;
    let inDq = false;
    let inSq = false;
    for (;;) {
      if (inDq) {
        if (p >= end) return -1; // unterminated "
        const c = src[p]!;
        if (c === 0x5c /* \ */ && p + 3 < end && src[p + 1] === 0x78 /* x */) {
          const h = hexValue(src[p + 2]!);
          const l = hexValue(src[p + 3]!);
          if (h >= 0 && l >= 0) {
            out[o++] = (h << 4) | l;
            p += 4;
            continue;
          }
        }
        if (c === 0x5c && p + 1 < end) {
          const e = src[p + 1]!;
          let v: number;
          switch (e) {
            case 0x6e: v = 0x0a; break; // \n
            case 0x72: v = 0x0d; break; // \r
            case 0x74: v = 0x09; break; // \t
            case 0x62: v = 0x08; break; // \b
            case 0x61: v = 0x07; break; // \a
            default: v = e; break;
          }
          out[o++] = v;
          p += 2;
        } else if (c === 0x22 /* " */) {
          if (p + 1 < end && !isSpace(src[p + 1]!)) return -1;
          p++;
          break;
        } else {
          out[o++] = c;
          p++;
        }
      } else if (inSq) {
        if (p >= end) return -1; // unterminated '
        const c = src[p]!;
        if (c === 0x5c && p + 1 < end && src[p + 1] === 0x27) {
          out[o++] = 0x27;
          p += 2;
        } else if (c === 0x27 /* ' */) {
          if (p + 1 < end && !isSpace(src[p + 1]!)) return -1;
          p++;
          break;
        } else {
          out[o++] = c;
          p++;
        }
      } else {
        if (p >= end) break;
        const c = src[p]!;
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          p++;
          break;
        } else if (c === 0x22) {
          inDq = true;
        } else if (c === 0x27) {
          inSq = true;
        } else {
          out[o++] = c;
        }
        p++;
      }
    }
    argOff[argc] = argStart;
    argLen[argc] = o - argStart;
    argc++;
  }
}

/**
 * Splits one line into arguments with Redis's inline / config-file quoting rules (see the module comment; as Redis
 * sds.c sdssplitargs does). Slow path: allocates a new Buffer per argument.
 *
 * @param line bytes of one line without its line terminator (a trailing \r or \n is treated as a blank anyway);
 *   a string is encoded as UTF-8 first.
 * @returns the arguments (an empty array for a blank line), or `null` when quotes are unbalanced. Never throws.
 */
export function splitArgs(line: Buffer | string): Buffer[] | null {
  const src = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  const len = src.length;
  const out = Buffer.allocUnsafe(len);
  const n = maxSplitArgs(len) + 1;
  const argOff = new Int32Array(n);
  const argLen = new Int32Array(n);
  const argc = splitArgsInto(src, 0, len, out, argOff, argLen);
  if (argc < 0) return null;
  const res: Buffer[] = new Array<Buffer>(argc);
  for (let i = 0; i < argc; i++) {
    res[i] = Buffer.from(out.subarray(argOff[i]!, argOff[i]! + argLen[i]!));
  }
  return res;
}

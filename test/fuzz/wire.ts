/**
 * The fuzzer's wire encodings: pipelines as RESP multibulk or inline commands. Its connections are
 * test/support/raw-client.ts's RawClient (writeSplit: pipelines cut at given offsets; readBatch: replies and the
 * close).
 */
import { encodeCommand } from '../support/resp.js';
import type { Cmd } from './gen.js';

/** Encodes commands as RESP multibulk, or as inline lines (arguments quoted with escapes where needed). */
export function encodeCmds(cmds: readonly Cmd[], inline: boolean): Buffer {
  if (!inline) return Buffer.concat(cmds.map((c) => encodeCommand(c)));
  return Buffer.from(cmds.map((c) => c.map(inlineArg).join(' ') + '\r\n').join(''), 'latin1');
}

/** One inline argument: bare when plain, else double-quoted with \xNN escapes (Redis sdssplitargs syntax). */
function inlineArg(a: Buffer): string {
  let plain = a.length > 0;
  for (const c of a) if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x27 || c === 0x5c) plain = false;
  if (plain) return a.toString('latin1');
  let s = '"';
  for (const c of a) {
    if (c >= 0x21 && c < 0x7f && c !== 0x22 && c !== 0x5c) s += String.fromCharCode(c);
    else if (c === 0x20) s += ' ';
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s + '"';
}

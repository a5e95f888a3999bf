/**
 * The arguments of one parsed command, as every layer above the parser sees them: `argc` byte ranges of `buf`
 * (argument 0 is the command name). The request parser (request-parser.ts) exposes its current command in this
 * shape without copying; a MULTI queue or the HTTP front builds its own.
 */

/** The arguments of a command: argument i is `buf[argOff[i], argOff[i] + argLen[i])`, for i < argc. */
export interface Argv {
  argc: number;
  buf: Buffer;
  argOff: Int32Array;
  argLen: Int32Array;
}

/**
 * A copy of a command's arguments that outlives the query buffer (a MULTI queue, a client held by CLIENT PAUSE): one
 * Buffer with every argument's bytes back to back, and its own offset and length arrays.
 */
export function copyArgv(argv: Argv): Argv {
  let total = 0;
  for (let i = 0; i < argv.argc; i++) total += argv.argLen[i];
  const buf = Buffer.allocUnsafe(total);
  const argOff = new Int32Array(argv.argc);
  const argLen = new Int32Array(argv.argc);
  let off = 0;
  for (let i = 0; i < argv.argc; i++) {
    argv.buf.copy(buf, off, argv.argOff[i], argv.argOff[i] + argv.argLen[i]);
    argOff[i] = off;
    argLen[i] = argv.argLen[i];
    off += argv.argLen[i];
  }
  return { argc: argv.argc, buf, argOff, argLen };
}

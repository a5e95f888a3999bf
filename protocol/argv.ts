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

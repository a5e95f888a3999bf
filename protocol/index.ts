/**
 * RESP protocol layer: request parsing (multibulk and inline), argument splitting, reply encoding and the number
 * formats Redis uses in replies.
 */
export {
  RequestParser,
  ParseError,
  DEFAULT_PARSER_LIMITS,
  type ParserLimits,
} from './request-parser.js';
export { splitArgs, splitArgsInto, maxSplitArgs } from './split-args.js';
export {
  ReplyWriter,
  SHARED,
  REPLY_POOL_SIZE,
  BULK_REF_MIN,
  REF_OVERHEAD,
  type ReplySink,
  type RefOwner,
  type RefAccount,
} from './reply-writer.js';
export { ReplyMemory, REPLY_EXTENT_SIZE } from './reply-memory.js';
export { formatDouble, formatLongDouble } from './number-format.js';
export * from './resp-types.js';
export type { Argv } from './argv.js';

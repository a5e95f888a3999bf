/**
 * Byte constants and limits of the RESP wire protocol (RESP2 and RESP3), shared by the request parser and the
 * reply writer.
 *
 * Limit values are those of Redis 7.0 (src/server.h: PROTO_INLINE_MAX_SIZE, PROTO_MBULK_BIG_ARG; src/config.c
 * defaults of proto-max-bulk-len and client-query-buffer-limit).
 */

/** '*' multibulk / array header. */
export const CH_STAR = 0x2a;
/** '$' bulk string header. */
export const CH_DOLLAR = 0x24;
/** '\r' */
export const CH_CR = 0x0d;
/** '\n' */
export const CH_LF = 0x0a;

/** Inline requests and unterminated header lines longer than this are rejected (Redis PROTO_INLINE_MAX_SIZE). */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Bulk arguments of at least this many bytes get their own buffer while they arrive (Redis PROTO_MBULK_BIG_ARG). */
export const PROTO_MBULK_BIG_ARG = 32 * 1024;
/** Default proto-max-bulk-len: 512 MiB. */
export const DEFAULT_PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
/** Default client-query-buffer-limit: 1 GiB. */
export const DEFAULT_CLIENT_QUERY_BUFFER_LIMIT = 1024 * 1024 * 1024;
/** Unauthenticated clients may not announce more than this many arguments (Redis 7.0 processMultibulkBuffer). */
export const UNAUTH_MAX_MULTIBULK = 10;
/** Unauthenticated clients may not announce bulks longer than this (Redis 7.0 processMultibulkBuffer). */
export const UNAUTH_MAX_BULK = 16384;
/** Largest accepted multibulk count (Redis 7.0: INT_MAX). */
export const MAX_MULTIBULK = 2147483647;
/**
 * Largest single bulk this implementation can hold, whatever proto-max-bulk-len says: argument offsets are Int32
 * and a command lives in one Buffer. Larger announced lengths are rejected as "invalid bulk length".
 */
export const MAX_BULK_HARD = 0x7fff0000;

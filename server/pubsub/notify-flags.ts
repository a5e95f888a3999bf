/**
 * Keyspace-event classes (Redis 7.0 server.h NOTIFY_*), the bits of `notify-keyspace-events` (config/params.ts
 * parses the letters into them). A leaf module: the keyspace and the command handlers test these bits.
 */
export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_KEY_MISS = 1 << 11; // m
export const NOTIFY_NEW = 1 << 14; // n

/**
 * Where keyspace events go (server/pubsub/notify.ts). `flags` is 0 unless `notify-keyspace-events` enables some:
 * callers test `(flags & type) !== 0` first, so that notifications cost one integer test when off.
 */
export interface KeyEventSink {
  flags: number;
  /** A `type` event named `event` about the key `b[o, o + l)`. */
  emit(type: number, event: string, b: Uint8Array, o: number, l: number): void;
  /** tierkv's event for the keys MIGRATE_PREPARE dropped: one message with their count. */
  migratePrepared(droppedKeys: number): void;
}

/** The sink of a keyspace without notifications. */
export const NO_KEY_EVENTS: KeyEventSink = { flags: 0, emit: () => {}, migratePrepared: () => {} };

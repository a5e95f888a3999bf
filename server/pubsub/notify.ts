/**
 * Keyspace notifications (Redis 7.0 src/notify.c): with `notify-keyspace-events`, a write publishes
 * `__keyspace@0__:<key>` → `<event>` (class K) and `__keyevent@0__:<event>` → `<key>` (class E), for the event
 * classes enabled (g $ x e n m ...; config/params.ts parses the letters). Event names are Redis's per command
 * (set, incrby, append, del, expire, expired, evicted, rename_from, rename_to, new, keymiss, ...).
 *
 * Cost: with notifications off, every call site tests one integer (`events.flags & type`) and does nothing else.
 * On, an event costs two publishes (pubsub.ts: one encoding per channel and subscriber list); with no subscriber
 * at all, nothing is encoded.
 *
 * tierkv's own event: MIGRATE_PREPARE drops the cold tier in one shot without visiting its keys, so instead of one
 * `evicted` per key it publishes one `__keyevent@0__:migrate_prepare` message whose payload is the number of keys
 * dropped (decimal), when the `e` (evicted) and `E` classes are on. O(1) per drop, whatever the number of keys.
 */
import type { Config } from '../config/config.js';
import type { CommandContext } from '../commands/context.js';
import { NOTIFY_EVICTED, NOTIFY_KEYEVENT, NOTIFY_KEYSPACE, type KeyEventSink } from './notify-flags.js';
import type { PubSub } from './pubsub.js';

const KEYSPACE_PREFIX = Buffer.from('__keyspace@0__:', 'latin1');
const KEYEVENT_PREFIX = '__keyevent@0__:';

/** An event name's bytes and its `__keyevent@0__:` channel, encoded once per name. */
interface EventName {
  readonly name: Buffer;
  readonly channel: Buffer;
}

/** Publishes keyspace events through the server's pub/sub. */
export class KeyspaceEvents implements KeyEventSink {
  flags: number;
  private readonly names = new Map<string, EventName>();

  constructor(
    private readonly pubsub: PubSub,
    config: Config,
  ) {
    this.flags = config.notifyKeyspaceEvents;
    config.onChange('notify-keyspace-events', () => {
      this.flags = config.notifyKeyspaceEvents;
      return null;
    });
  }

  private eventName(event: string): EventName {
    let e = this.names.get(event);
    if (e === undefined) {
      e = { name: Buffer.from(event, 'latin1'), channel: Buffer.from(KEYEVENT_PREFIX + event, 'latin1') };
      this.names.set(event, e);
    }
    return e;
  }

  emit(type: number, event: string, b: Uint8Array, o: number, l: number): void {
    const flags = this.flags;
    if ((flags & type) === 0 || !this.pubsub.hasSubscribers()) return;
    const e = this.eventName(event);
    if ((flags & NOTIFY_KEYSPACE) !== 0) {
      const ch = Buffer.allocUnsafe(KEYSPACE_PREFIX.length + l);
      KEYSPACE_PREFIX.copy(ch, 0);
      ch.set(b.subarray(o, o + l), KEYSPACE_PREFIX.length);
      this.pubsub.publish(ch, 0, ch.length, e.name, 0, e.name.length);
    }
    if ((flags & NOTIFY_KEYEVENT) !== 0) this.pubsub.publish(e.channel, 0, e.channel.length, b, o, l);
  }

  /** tierkv's MIGRATE_PREPARE event: `__keyevent@0__:migrate_prepare` → the number of keys dropped. */
  migratePrepared(droppedKeys: number): void {
    if ((this.flags & (NOTIFY_EVICTED | NOTIFY_KEYEVENT)) !== (NOTIFY_EVICTED | NOTIFY_KEYEVENT) || !this.pubsub.hasSubscribers()) return;
    const e = this.eventName('migrate_prepare');
    const msg = Buffer.from(String(droppedKeys), 'latin1');
    this.pubsub.publish(e.channel, 0, e.channel.length, msg, 0, msg.length);
  }
}

/** A command's event about its argument `i` (a key), if `type` is enabled. */
export function notifyArg(ctx: CommandContext, type: number, event: string, i: number): void {
  const ev = ctx.ks.events;
  if ((ev.flags & type) !== 0) ev.emit(type, event, ctx.argv.buf, ctx.argv.argOff[i], ctx.argv.argLen[i]);
}

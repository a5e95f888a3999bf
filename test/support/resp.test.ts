/**
 * Self-tests of the RESP framer/decoder (resp.ts) and of RawClient's reassembly of replies split across TCP
 * chunks (raw-client.ts), against a local fake server. No redis-server needed.
 */
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './raw-client.js';
import {
  RespAttributed,
  RespError,
  RespFramingError,
  RespPush,
  type RespValue,
  RespVerbatim,
  decodeReply,
  encodeCommand,
  frameReply,
  showBytes,
  splitReplies,
} from './resp.js';
import { sleep } from './wait.js';

/** A reply's wire bytes and the value decodeReply(..., { buffers: true }) must return for it. */
interface Sample {
  raw: Buffer;
  value: RespValue;
}

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const cat = (...parts: (Buffer | string)[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? b(p) : p)));

const lineText = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '_'));
const bytes = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));

const scalar: fc.Arbitrary<Sample> = fc.oneof(
  lineText.map((s) => ({ raw: cat('+', Buffer.from(s), '\r\n'), value: s })),
  lineText.map((s) => ({ raw: cat('-ERR ', Buffer.from(s), '\r\n'), value: new RespError(`ERR ${s}`) })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => ({
    raw: b(`:${n}\r\n`),
    value: Number.isSafeInteger(Number(n)) ? Number(n) : n,
  })),
  bytes.map((x) => ({ raw: cat(`$${x.length}\r\n`, x, '\r\n'), value: x })),
  fc.constant({ raw: b('$-1\r\n'), value: null }),
  fc.constant({ raw: b('*-1\r\n'), value: null }),
  fc.constant({ raw: b('_\r\n'), value: null }),
  fc.double().map((d) => {
    const text = Number.isNaN(d) ? 'nan' : d === Infinity ? 'inf' : d === -Infinity ? '-inf' : String(d);
    return { raw: b(`,${text}\r\n`), value: Number.isNaN(d) ? NaN : Number(text.replace(/^(-?)inf$/, '$1Infinity')) };
  }),
  fc.boolean().map((v) => ({ raw: b(`#${v ? 't' : 'f'}\r\n`), value: v })),
  bytes.map((x) => ({ raw: cat(`!${x.length + 4}\r\n`, 'ERR ', x, '\r\n'), value: new RespError(`ERR ${x.toString('utf8')}`, true) })),
  bytes.map((x) => ({ raw: cat(`=${x.length + 4}\r\n`, 'txt:', x, '\r\n'), value: new RespVerbatim('txt', x) })),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map((n) => ({ raw: b(`(${n}\r\n`), value: n })),
  fc.array(bytes.filter((x) => x.length > 0), { maxLength: 4 }).map((chunks) => ({
    raw: cat('$?\r\n', ...chunks.flatMap((c) => [b(`;${c.length}\r\n`), c, b('\r\n')]), ';0\r\n'),
    value: Buffer.concat(chunks),
  })),
);

const { sample } = fc.letrec<{ sample: Sample; aggregate: Sample }>((tie) => ({
  sample: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('aggregate')),
  aggregate: fc.oneof(
    fc.tuple(fc.constantFrom('*', '~', '>', '*?'), fc.array(tie('sample'), { maxLength: 4 })).map(([t, items]) => {
      const raws = items.map((i) => i.raw);
      const values = items.map((i) => i.value);
      if (t === '*?') return { raw: cat('*?\r\n', ...raws, '.\r\n'), value: values };
      const raw = cat(`${t}${items.length}\r\n`, ...raws);
      return { raw, value: t === '*' ? values : t === '~' ? new Set(values) : new RespPush(values) };
    }),
    fc
      .tuple(fc.constantFrom('%', '|'), fc.array(fc.tuple(scalar, tie('sample')), { maxLength: 3 }), scalar)
      .map(([t, entries, annotated]) => {
        const raws = entries.flatMap(([k, v]) => [k.raw, v.raw]);
        const map = new Map<RespValue, RespValue>(entries.map(([k, v]) => [k.value, v.value]));
        if (t === '%') return { raw: cat(`%${entries.length}\r\n`, ...raws), value: map };
        return { raw: cat(`|${entries.length}\r\n`, ...raws, annotated.raw), value: new RespAttributed(map, annotated.value) };
      }),
  ),
}));

describe('resp framer and decoder', () => {
  it('frames every generated reply exactly and reports every proper prefix as incomplete', () => {
    fc.assert(
      fc.property(sample, (s) => {
        expect(frameReply(s.raw, 0)).toEqual({ complete: true, end: s.raw.length });
        for (let i = 0; i < s.raw.length; i++) {
          const r = frameReply(s.raw.subarray(0, i), 0);
          expect(r.complete, `prefix ${i} of ${showBytes(s.raw)}`).toBe(false);
          if (!r.complete) expect(r.need).toBeGreaterThan(i);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('decodes every generated reply to the expected value', () => {
    fc.assert(
      fc.property(sample, (s) => {
        expect(decodeReply(s.raw, { buffers: true })).toEqual(s.value);
      }),
      { numRuns: 300 },
    );
  });

  it('splits back-to-back replies at their boundaries', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 6 }), (samples) => {
        const parts = splitReplies(Buffer.concat(samples.map((s) => s.raw)));
        expect(parts.map((p) => p.toString('hex'))).toEqual(samples.map((s) => s.raw.toString('hex')));
      }),
      { numRuns: 200 },
    );
  });

  it('treats CRLF inside a bulk payload as data, and requires the payload CRLF', () => {
    expect(frameReply(b('$4\r\n\r\n\r\n\r\n'))).toEqual({ complete: true, end: 10 });
    expect(frameReply(b('$4\r\nab'))).toEqual({ complete: false, need: 10 });
    expect(() => frameReply(b('$2\r\nabcd\r\n'))).toThrow(RespFramingError);
  });

  it('rejects malformed replies', () => {
    for (const bad of ['?x\r\n', ':12a\r\n', '#x\r\n', '$-2\r\n', '*-2\r\n', '$x\r\n', '_x\r\n', '.\r\n', '=3\r\ntxt\r\n']) {
      expect(() => frameReply(b(bad)), bad).toThrow(RespFramingError);
    }
  });

  it('decodes common shapes in string mode', () => {
    expect(decodeReply(b('+OK\r\n'))).toBe('OK');
    expect(decodeReply(b('$3\r\nbar\r\n'))).toBe('bar');
    expect(decodeReply(b(':9223372036854775807\r\n'))).toBe(9223372036854775807n);
    expect(decodeReply(b(':-3\r\n'))).toBe(-3);
    expect(decodeReply(b('*2\r\n$1\r\na\r\n$-1\r\n'))).toEqual(['a', null]);
    expect(decodeReply(b('%1\r\n+k\r\n:1\r\n'))).toEqual(new Map([['k', 1]]));
    expect(decodeReply(b(',-inf\r\n'))).toBe(-Infinity);
    const err = decodeReply(b('-WRONGTYPE Operation against a key\r\n'));
    expect(err).toBeInstanceOf(RespError);
    expect((err as RespError).code).toBe('WRONGTYPE');
    expect(() => decodeReply(b('+OK\r\n+OK\r\n'))).toThrow(/trailing/);
  });

  it('encodes commands as multibulk with binary-safe arguments', () => {
    expect(encodeCommand(['SET', Buffer.from([0, 0xff]), 12])).toEqual(
      cat('*3\r\n$3\r\nSET\r\n$2\r\n', Buffer.from([0, 0xff]), '\r\n$2\r\n12\r\n'),
    );
    expect(showBytes(Buffer.from([0x2b, 0x00, 0x0d, 0x0a, 0xff]))).toBe('"+\\x00\\r\\n\\xff"');
  });
});

describe('RawClient reassembly over TCP', () => {
  let server: net.Server;
  let port: number;
  /** The next connection's script: chunks to write, with a pause between writes. */
  let script: Buffer[] = [];
  let closeAfter = false;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      const chunks = script;
      const close = closeAfter;
      void (async () => {
        for (const c of chunks) {
          socket.write(c);
          await sleep(1);
        }
        if (close) socket.end();
      })();
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('returns exactly one reply per read however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(sample, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        async (samples, cuts) => {
          const all = Buffer.concat(samples.map((s) => s.raw));
          script = [];
          for (let pos = 0, i = 0; pos < all.length; i++) {
            const n = cuts[i % cuts.length]!;
            script.push(all.subarray(pos, pos + n));
            pos += n;
          }
          closeAfter = true;
          const client = await RawClient.connect(port, { readTimeoutMs: 2000 });
          try {
            for (const s of samples) expect((await client.readReply()).toString('hex')).toBe(s.raw.toString('hex'));
            await client.readClosed();
          } finally {
            client.destroy();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reports a close in the middle of a reply with the partial bytes', async () => {
    script = [b('$10\r\nabc')];
    closeAfter = true;
    const client = await RawClient.connect(port, { readTimeoutMs: 2000 });
    await expect(client.readReply()).rejects.toThrow(/closed.*"\$10\\r\\nabc"/);
    client.destroy();
  });

  it('readClosed fails if data arrives instead of a close, and reads time out', async () => {
    script = [b('+PONG\r\n')];
    closeAfter = false;
    const client = await RawClient.connect(port, { readTimeoutMs: 300 });
    await expect(client.readClosed()).rejects.toThrow(/got data: "\+PONG\\r\\n"/);
    await expect(client.readReply()).resolves.toEqual(b('+PONG\r\n'));
    await expect(client.readReply()).rejects.toThrow(/timed out/);
    client.destroy();
  });
});

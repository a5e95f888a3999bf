/**
 * server/net/shared-read.ts: an accepted socket moves onto a net.Socket that reads into the one shared buffer, on
 * this Node.js (if Node's internals change, `adopt` returns null and the server silently falls back to stream reads:
 * this test then fails, so the fallback is noticed); the server still counts the connection, so close() waits for it.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { adopt } from '../../server/net/shared-read.js';

describe('shared read buffer', () => {
  it('adopts accepted sockets: reads of every socket land in one buffer, writes work, the server counts them', async () => {
    const seen: { buf: Buffer; text: string }[] = [];
    const sockets: net.Socket[] = [];
    const srv = net.createServer({ pauseOnConnect: true }, (accepted) => {
      const s = adopt(accepted, (buf, n) => {
        seen.push({ buf, text: buf.toString('latin1', 0, n) });
        s?.write(`got ${n}\r\n`);
      });
      expect(s).not.toBeNull();
      sockets.push(s!);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    const talk = (msg: string): Promise<{ c: net.Socket; reply: string }> =>
      new Promise((resolve, reject) => {
        const c = net.connect(port, '127.0.0.1', () => c.write(msg));
        c.once('data', (d) => resolve({ c, reply: d.toString() }));
        c.once('error', reject);
      });
    const a = await talk('hello');
    const b = await talk('world!');
    expect(a.reply).toBe('got 5\r\n');
    expect(b.reply).toBe('got 6\r\n');
    expect(seen.map((x) => x.text)).toEqual(['hello', 'world!']);
    expect(seen[0]!.buf).toBe(seen[1]!.buf);
    const count = await new Promise<number>((r) => srv.getConnections((_e, n) => r(n)));
    expect(count).toBe(2);
    let closed = false;
    const done = new Promise<void>((r) => srv.close(() => { closed = true; r(); }));
    a.c.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false); // b's connection still open
    b.c.destroy();
    await done;
  });
});

/**
 * Key hashing: MurmurHash3 x86_32 (Austin Appleby, public domain algorithm) over a byte range, with a seed
 * chosen at random per process so that clients cannot precompute colliding keys (Redis seeds its SipHash the
 * same way, src/server.c `getRandomBytes(hashseed)`).
 *
 * Allocation-free: reads bytes straight from the request buffer or an arena extent.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * 32-bit hash of `len` bytes of `b` starting at `off`.
 * @param seed 32-bit seed
 * @returns unsigned 32-bit hash
 */
export function murmur3(b: Uint8Array, off: number, len: number, seed: number): number {
  let h = seed | 0;
  const end4 = off + (len & ~3);
  let i = off;
  for (; i < end4; i += 4) {
    let k = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = len & 3;
  if (rest !== 0) {
    let k = b[i];
    if (rest > 1) k ^= b[i + 1] << 8;
    if (rest > 2) k ^= b[i + 2] << 16;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A random 32-bit seed for this process. */
export function randomSeed(): number {
  return (Math.random() * 0x100000000) >>> 0;
}

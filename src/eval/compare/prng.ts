/**
 * A small seeded pseudo-random generator (mulberry32: 32-bit state, period 2^32), so bootstrap
 * intervals are reproducible bit for bit from a seed. Not for anything secret.
 */

/** Uniform floats in [0, 1) from a 32-bit seed. */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A per-label seed (FNV-1a hash of the label xor the seed): each slice draws its own stream, so
 * its interval does not depend on which other slices exist or their order.
 */
export function seedFor(seed: number, label: string): number {
  let hash = 0x811c9dc5;
  for (const ch of label) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash ^ seed) >>> 0;
}

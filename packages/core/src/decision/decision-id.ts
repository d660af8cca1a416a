import type { Prng } from "../random/prng";

/**
 * Decision ids as RFC 9562 version-4 UUIDs drawn from a seeded generator, so a replay with the
 * same seed names its decisions identically. Live processes may pass `crypto.randomUUID`
 * instead; anything returning a UUID fits.
 */
export function seededDecisionIds(prng: Prng): () => string {
  return () => {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    for (let word = 0; word < 4; word++) view.setUint32(word * 4, prng.nextUint32());
    // Version 4 in the high nibble of byte 6, variant 10xx in the top bits of byte 8.
    bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

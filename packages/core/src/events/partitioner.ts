/**
 * Kafka's default key partitioner (Java `BuiltInPartitioner.partitionForKey`, kafkajs's
 * `Partitioners.DefaultPartitioner`): murmur2 of the key's UTF-8 bytes, made positive with
 * `& 0x7fffffff`, modulo the partition count. The embedded bus uses it so a key lands on the
 * same partition whether events travel in-process or through Kafka.
 */
export function partitionForKey(key: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  }
  return (murmur2(utf8.encode(key)) & 0x7fffffff) % partitions;
}

const utf8 = new TextEncoder();

const seed = 0x9747b28c;
const m = 0x5bd1e995;

/** Kafka's `Utils.murmur2`: the 32-bit MurmurHash2 with Kafka's seed, as a signed 32-bit int. */
export function murmur2(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = data.byteLength;
  let h = seed ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = view.getInt32(i, true);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length - whole;
  if (rest === 3) h ^= view.getUint8(whole + 2) << 16;
  if (rest >= 2) h ^= view.getUint8(whole + 1) << 8;
  if (rest >= 1) {
    h ^= view.getUint8(whole);
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

import { partitionForKey } from "@tradeops/core";
import { Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";

/** kafkajs's partitioner, the one the Kafka adapter's producer uses, asked as the producer asks. */
function kafkajsPartition(key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  return partitioner({
    topic: "parity",
    message: { key, value: null },
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    })),
  });
}

describe("partitionForKey against kafkajs's DefaultPartitioner", () => {
  const keys = [
    "",
    "a",
    "AAPL",
    "BRK.B",
    "€uro",
    "日本株",
    "🙂 emoji",
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    ...Array.from({ length: 500 }, (_, i) => `key-${i * 7919}`),
  ];

  it.each([1, 2, 3, 12, 50, 101])(
    "puts every key on the same partition as kafkajs with %i partitions",
    (partitions) => {
      for (const key of keys)
        expect([key, partitionForKey(key, partitions)]).toEqual([key, kafkajsPartition(key, partitions)]);
    },
  );
});

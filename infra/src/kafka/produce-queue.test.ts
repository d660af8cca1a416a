import type { TopicMessages } from "kafkajs";
import { describe, expect, it } from "vitest";
import { ProduceQueue } from "./produce-queue";

/** A sender the test completes by hand, recording what each request carried. */
function manualSender() {
  const requests: { topicMessages: TopicMessages[]; finish: (error?: Error) => void }[] = [];
  const send = (topicMessages: TopicMessages[]) =>
    new Promise<void>((resolve, reject) => {
      requests.push({ topicMessages, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { requests, send };
}

const msg = (value: string) => ({ key: "k", value });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("ProduceQueue", () => {
  it("sends the first publish at once and merges those that wait behind it, in order", async () => {
    const { requests, send } = manualSender();
    const queue = new ProduceQueue(send);
    const settled: string[] = [];
    const track = (name: string, promise: Promise<void>) =>
      promise.then(
        () => settled.push(`${name} ok`),
        () => settled.push(`${name} failed`),
      );
    const first = track("a", queue.send("t1", [msg("a")]));
    const second = track("b", queue.send("t1", [msg("b1"), msg("b2")]));
    const third = track("c", queue.send("t2", [msg("c")]));
    const fourth = track("d", queue.send("t1", [msg("d")]));
    await flush();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.topicMessages).toEqual([{ topic: "t1", messages: [msg("a")] }]);
    requests[0]?.finish();
    await first;
    await flush();
    expect(requests).toHaveLength(2);
    expect(requests[1]?.topicMessages).toEqual([
      { topic: "t1", messages: [msg("b1"), msg("b2"), msg("d")] },
      { topic: "t2", messages: [msg("c")] },
    ]);
    requests[1]?.finish(new Error("broker gone"));
    await Promise.all([second, third, fourth]);
    expect(settled).toEqual(["a ok", "b failed", "c failed", "d failed"]);
  });

  it("goes on after a failed request", async () => {
    const { requests, send } = manualSender();
    const queue = new ProduceQueue(send);
    const failed = queue.send("t", [msg("x")]);
    await flush();
    requests[0]?.finish(new Error("once"));
    await expect(failed).rejects.toThrow("once");
    const next = queue.send("t", [msg("y")]);
    await flush();
    requests[1]?.finish();
    await expect(next).resolves.toBeUndefined();
  });

  it("caps a merged request by text size without splitting a publish", async () => {
    const { requests, send } = manualSender();
    const queue = new ProduceQueue(send, { maxBatchChars: 10 });
    const all = [
      queue.send("t", [msg("0")]),
      queue.send("t", [msg("1234"), msg("5678")]),
      queue.send("t", [msg("abc")]),
      queue.send("t", [msg("a-very-long-value")]),
    ];
    for (let i = 0; i < 4; i++) {
      await flush();
      requests[i]?.finish();
    }
    await Promise.all(all);
    // key "k" counts 1 char per message
    expect(requests.map((r) => r.topicMessages[0]?.messages.map((m) => m.value))).toEqual([
      ["0"],
      ["1234", "5678"],
      ["abc"],
      ["a-very-long-value"],
    ]);
  });
});

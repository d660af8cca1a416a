import { afterEach, describe, expect, it } from "vitest";
import { RecordingSink } from "./recording-sink";
import { TestFeed } from "./test-feed";
import { type RunningTickSource, startWebSocketTickSource } from "./websocket-tick-source";

const t0 = Date.parse("2026-01-05T14:30:00Z");

const trade = (symbol: string, offsetMs: number, price: number, size: number, seq?: number) => ({
  type: "trade",
  symbol,
  price,
  size,
  time: new Date(t0 + offsetMs).toISOString(),
  ...(seq === undefined ? {} : { seq }),
});

const feeds: TestFeed[] = [];
const sources: RunningTickSource[] = [];
async function feed(options?: Parameters<typeof TestFeed.start>[0]) {
  const started = await TestFeed.start(options);
  feeds.push(started);
  return started;
}
function source(...args: Parameters<typeof startWebSocketTickSource>) {
  const started = startWebSocketTickSource(...args);
  sources.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  await Promise.all(feeds.splice(0).map((f) => f.close()));
});

const fastBackoff = { initialMs: 20, maxMs: 100, jitter: 0 };

describe("the WebSocket tick source", () => {
  it("subscribes, streams trades into exact bars, and closes quiet symbols' minutes by the feed's clock", async () => {
    const server = await feed();
    const sink = new RecordingSink();
    const client = source(
      { url: server.url, symbols: ["QXAB", "ZQTM"], latenessMs: 50, flushIntervalMs: 10, backoff: fastBackoff },
      sink,
    );
    await expect.poll(() => server.received).toEqual([{ type: "subscribe", symbols: ["QXAB", "ZQTM"] }]);
    server.send({ type: "subscribed", symbols: ["QXAB", "ZQTM"] });
    server.send(trade("QXAB", 1_000, 100, 10));
    server.send([trade("QXAB", 30_000, 101, 5), trade("ZQTM", 40_000, 50, 100)]);
    server.send({ type: "heartbeat", time: t0 + 45_000 });
    server.send(trade("QXAB", 50_000, 99.5, 20));
    // QXAB's next minute closes its 14:30 bar: open 100, high 101, low 99.5, close 99.5, volume 35.
    server.send(trade("QXAB", 60_500, 100.5, 1));
    const minute = (symbol: string, ohlcv: number[]) => {
      const [open, high, low, close, volume] = ohlcv;
      return { symbol, timeframe: "1min", time: t0, open, high, low, close, volume };
    };
    await expect.poll(() => sink.allBars).toContainEqual(minute("QXAB", [100, 101, 99.5, 99.5, 35]));
    // ZQTM traded no more: its minute closes once the feed's clock passes 14:31:00 + 50 ms.
    await expect.poll(() => sink.allBars).toContainEqual(minute("ZQTM", [50, 50, 50, 50, 100]));
    expect(sink.rejections).toEqual([]);
    expect(client.stats()).toMatchObject({ connected: true, connections: 1, messages: 6, bars: 2, rejected: 0 });
    await client.stop();
    // QXAB's 14:31 minute was still in progress: it is not delivered as if complete.
    expect(sink.allBars).toHaveLength(2);
  });

  it("reconnects after the server drops, re-subscribes, and resumes without double-counting resent trades", async () => {
    let server = await feed();
    const sink = new RecordingSink();
    const client = source({ url: server.url, symbols: ["QXAB"], latenessMs: 60_000, backoff: fastBackoff }, sink);
    await expect.poll(() => server.received.length).toBe(1);
    for (const seq of [1, 2, 3]) server.send(trade("QXAB", seq * 1_000, 100 + seq, 10, seq));
    await expect.poll(() => client.stats().messages).toBe(3);

    // A crash: the connection is cut, then the whole server goes away and comes back on its port.
    const port = server.port;
    await server.close();
    feeds.splice(feeds.indexOf(server), 1);
    await expect.poll(() => client.stats().connected).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    server = await feed({ port });
    await expect.poll(() => server.received).toEqual([{ type: "subscribe", symbols: ["QXAB"] }]);

    // The restarted server resends its last two trades before new ones.
    for (const seq of [2, 3, 4]) server.send(trade("QXAB", seq * 1_000, 100 + seq, 10, seq));
    server.send(trade("QXAB", 61_000, 110, 1, 5));
    await expect
      .poll(() => sink.allBars)
      .toEqual([
        { symbol: "QXAB", timeframe: "1min", time: t0, open: 101, high: 104, low: 101, close: 104, volume: 40 },
      ]);
    expect(sink.rejections.map((r) => [r.reason, (r.raw as { seq: number }).seq])).toEqual([
      ["duplicate", 2],
      ["duplicate", 3],
    ]);
    // Failed attempts while the server was away do not linger once data flows again.
    expect(client.stats()).toMatchObject({ connected: true, connections: 2, failures: 0 });
  });

  it("dead-letters and counts malformed input without dropping the connection", async () => {
    const server = await feed();
    const sink = new RecordingSink();
    const client = source({ url: server.url, backoff: fastBackoff }, sink);
    await expect.poll(() => server.sockets.length).toBe(1);
    server.send("{not json");
    server.send({ type: "quote", symbol: "QXAB", bid: 1 });
    server.send(trade("QXAB", 1_000, -5, 10));
    server.latest.send(Buffer.from([1, 2, 3]));
    server.send([trade("QXAB", 2_000, 100, 10), { type: "trade", symbol: "QXAB", price: "100" }]);
    server.send({ type: "error", message: "unknown symbol NOPE" });
    await expect.poll(() => sink.rejections.length).toBe(5);
    expect(sink.rejections.map((r) => r.reason)).toEqual([
      "malformed",
      "malformed",
      "non_positive_price",
      "malformed",
      "malformed",
    ]);
    expect(sink.rejections[0]).toMatchObject({ source: "websocket", raw: "{not json" });
    expect(sink.rejections[2]).toMatchObject({ symbol: "QXAB", raw: trade("QXAB", 1_000, -5, 10) });
    expect(sink.rejections[3]?.raw).toBe("<3 binary bytes>");
    expect(client.stats()).toMatchObject({ connected: true, connections: 1, messages: 6, rejected: 5 });
  });

  it("drops and reopens a connection that shows no sign of life, and keeps one that does", async () => {
    // autoPong off: the server neither answers pings nor sends anything, as a hung peer would.
    const silent = await feed({ autoPong: false });
    const silentClient = source(
      { url: silent.url, heartbeatIntervalMs: 25, heartbeatTimeoutMs: 150, backoff: fastBackoff },
      new RecordingSink(),
    );
    // Sends heartbeats but never pongs: messages alone keep it alive.
    const chatty = await feed({ autoPong: false });
    chatty.onConnection((socket) => {
      const timer = setInterval(() => socket.send('{"type":"heartbeat"}'), 25);
      socket.on("close", () => clearInterval(timer));
    });
    const chattyClient = source(
      { url: chatty.url, heartbeatIntervalMs: 25, heartbeatTimeoutMs: 150, backoff: fastBackoff },
      new RecordingSink(),
    );
    await expect.poll(() => silent.connectedAt.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(3);
    const [first = 0, second = 0] = silent.connectedAt;
    // Detected after 150 ms of silence (checked every 25 ms), reopened after a 20 ms backoff.
    expect(second - first).toBeGreaterThanOrEqual(150);
    expect(second - first).toBeLessThan(600);
    expect(chatty.connectedAt).toHaveLength(1);
    expect(chattyClient.stats().connected).toBe(true);
    expect(silentClient.stats().connections).toBeGreaterThanOrEqual(3);
  });

  it("backs off exponentially, with jitter, capped, while connections keep failing", async () => {
    // Every connection is accepted and closed at once, before any message: each counts as a failure.
    const server = await feed();
    server.onConnection((socket) => socket.close());
    const backoff = { initialMs: 40, maxMs: 160, jitter: 0.5 };
    source({ url: server.url, backoff }, new RecordingSink());
    await expect.poll(() => server.connectedAt.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(7);
    const gaps = server.connectedAt.slice(1, 7).map((at, i) => at - (server.connectedAt[i] ?? 0));
    gaps.forEach((gap, failures) => {
      const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures);
      // The delay is in [ceiling / 2, ceiling]; the close and the new handshake add a few ms.
      expect(gap).toBeGreaterThanOrEqual(ceiling / 2 - 2);
      expect(gap).toBeLessThan(ceiling + 100);
    });
  });

  it("closes the due minutes when stopped and then stays stopped", async () => {
    const server = await feed();
    const sink = new RecordingSink();
    const client = source({ url: server.url, latenessMs: 60_000, backoff: fastBackoff }, sink);
    await expect.poll(() => server.sockets.length).toBe(1);
    server.send([trade("QXAB", 59_990, 100, 1), trade("ZQTM", 60_010, 7, 1)]);
    await expect.poll(() => client.stats().messages).toBe(1);
    // The feed's clock is past 14:31:00 but within the lateness: nothing closed yet.
    expect(sink.allBars).toEqual([]);
    await client.stop();
    expect(sink.allBars.map((b) => b.symbol)).toEqual(["QXAB"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.connectedAt).toHaveLength(1);
    expect(client.stats().connected).toBe(false);
  });
});

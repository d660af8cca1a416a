import type {
  EventBus,
  OutgoingEvent,
  SubscribeOptions,
  Subscription,
  TopicDefinition,
  TopicInput,
} from "../ports/event-bus";

/**
 * How the wrapped bus answers `publish`: `up` forwards to the real bus, `down` rejects like an
 * unreachable broker, `hold` keeps the call pending (a broker that accepts the connection and
 * never answers) until `release`.
 */
export type BusMode = "up" | "down" | "hold";

/** The error a `down` bus (or a failed `release`) rejects with. */
export class SimulatedOutageError extends Error {
  constructor() {
    super("simulated outage: the event bus is unreachable");
    this.name = "SimulatedOutageError";
  }
}

interface HeldCall {
  readonly forward: () => Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A real bus (normally `InProcessEventBus`) whose `publish` can be switched off, for outage
 * tests: everything that does get through is stored and delivered by the real bus, so tests
 * check deliveries at a real subscriber. Subscriptions are untouched by the mode.
 */
export class SwitchableEventBus implements EventBus {
  readonly #inner: EventBus;
  #mode: BusMode = "up";
  #held: HeldCall[] = [];
  #publishCalls = 0;
  #rejected = 0;

  constructor(inner: EventBus) {
    this.#inner = inner;
  }

  get mode(): BusMode {
    return this.#mode;
  }

  /** Calls to `publish` so far, whatever their outcome. */
  get publishCalls(): number {
    return this.#publishCalls;
  }

  /** Calls rejected by the simulated outage. */
  get rejected(): number {
    return this.#rejected;
  }

  /** Calls pending in `hold` mode. */
  get held(): number {
    return this.#held.length;
  }

  /** Switches the mode for later calls; calls already held stay held until `release`. */
  setMode(mode: BusMode): void {
    this.#mode = mode;
  }

  /** Settles every held call: `deliver` forwards it to the real bus, `fail` rejects it. */
  async release(outcome: "deliver" | "fail"): Promise<void> {
    const held = this.#held;
    this.#held = [];
    for (const call of held) {
      if (outcome === "fail") {
        this.#rejected += 1;
        call.reject(new SimulatedOutageError());
        continue;
      }
      try {
        await call.forward();
        call.resolve();
      } catch (error) {
        call.reject(error);
      }
    }
  }

  async publish<T extends TopicDefinition>(topic: T, events: readonly OutgoingEvent<TopicInput<T>>[]): Promise<void> {
    this.#publishCalls += 1;
    // Copied now: the caller may reuse its array while the call is held.
    const copy = [...events];
    if (this.#mode === "down") {
      this.#rejected += 1;
      throw new SimulatedOutageError();
    }
    if (this.#mode === "hold") {
      return new Promise<void>((resolve, reject) => {
        this.#held.push({ forward: () => this.#inner.publish(topic, copy), resolve, reject });
      });
    }
    await this.#inner.publish(topic, copy);
  }

  subscribe<T extends TopicDefinition>(options: SubscribeOptions<T>): Promise<Subscription> {
    return this.#inner.subscribe(options);
  }

  async ping(): Promise<void> {
    if (this.#mode !== "up") throw new SimulatedOutageError();
    await this.#inner.ping();
  }

  /** Leaves held calls pending (a hung broker stays hung) and closes the real bus. */
  close(): Promise<void> {
    return this.#inner.close();
  }
}

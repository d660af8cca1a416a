/** Something whose reachability `/readyz` reports. `ping` rejects when the dependency cannot serve. */
export interface Pingable {
  ping(): Promise<void>;
}

/** Something that holds connections, timers or workers and must release them on shutdown. */
export interface Closeable {
  close(): Promise<void>;
}

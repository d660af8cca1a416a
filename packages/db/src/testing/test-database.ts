/** A database a test owns: fresh, reachable over the wire, and removed by `stop()`. */
export interface TestDatabase {
  connectionString: string;
  stop(): Promise<void>;
}

/** Hands out fresh, empty databases: embedded (PGlite) in the default suite, real PostgreSQL in the services suite. */
export interface TestDatabaseFactory {
  /** Which kind of server, for test names. */
  label: string;
  fresh(): Promise<TestDatabase>;
  /** Releases whatever the factory holds (template folders, admin connections). */
  close(): Promise<void>;
}

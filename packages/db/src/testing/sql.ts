import pg from "pg";

/** Runs `work` with a connected pg client that is closed afterwards. */
export async function withClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The UTC date `offsetDays` from the database's today, as partition names spell it (YYYYMMDD). */
export async function utcDay(client: pg.ClientBase, offsetDays: number): Promise<string> {
  const { rows } = await client.query<{ day: string }>(
    "SELECT to_char((now() AT TIME ZONE 'UTC')::date + $1::integer, 'YYYYMMDD') AS day",
    [offsetDays],
  );
  const day = rows[0]?.day;
  if (!day) throw new Error("the database returned no date");
  return day;
}

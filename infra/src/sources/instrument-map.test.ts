import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadInstrumentMap } from "./instrument-map";

let folder = "";
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "instruments-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function mapFile(content: string): Promise<string> {
  const path = join(folder, `map-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, content);
  return path;
}

describe("the instrument map", () => {
  it("reads sectors given alone or with a name (the symbol is the default name)", async () => {
    const mapping = await loadInstrumentMap(
      await mapFile(
        '{ "QXAB": "energy", "ZQTM": { "sector": "utilities", "name": "Zqtm Power" }, "XQRA": { "sector": "consumer" } }',
      ),
    );
    expect(mapping).toEqual({
      QXAB: { symbol: "QXAB", sector: "energy", name: "QXAB" },
      ZQTM: { symbol: "ZQTM", sector: "utilities", name: "Zqtm Power" },
      XQRA: { symbol: "XQRA", sector: "consumer", name: "XQRA" },
    });
  });

  it("names the file and the problem when it cannot be used", async () => {
    await expect(loadInstrumentMap(join(folder, "absent.json"))).rejects.toThrow(/absent\.json/);
    await expect(loadInstrumentMap(await mapFile("{ nope"))).rejects.toThrow(/JSON/);
    await expect(loadInstrumentMap(await mapFile('{ "lower": "energy" }'))).rejects.toThrow(/Invalid key.*\n.*lower/);
    await expect(loadInstrumentMap(await mapFile('{ "QXAB": { "name": "no sector" } }'))).rejects.toThrow(/map-/);
  });
});

// The committed fixtures that the Chromium and workerd rows decode are what records.mjs says:
// avsc reads them so, and so do we.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIXTURE_COUNT, fixtureRecords } from "../fixtures/avro/records.mjs";
import { FIXTURE_CODECS, fixturePath, writeFixtures } from "../fixtures/avro/write-fixtures.js";
import { avscRead, chunked, decodeAll } from "../helpers/avro-files.js";

describe("the committed Avro fixtures", () => {
  it("are rewritten on request (WRITE_AVRO_FIXTURES=1)", async () => {
    if (process.env.WRITE_AVRO_FIXTURES === "1") await writeFixtures();
    for (const codec of FIXTURE_CODECS) expect(readFileSync(fixturePath(codec)).length).toBeGreaterThan(1000);
  });

  for (const codec of FIXTURE_CODECS) {
    it(`${codec}: avsc and our decoder both read the ${FIXTURE_COUNT} records of records.mjs, in many blocks`, async () => {
      const file = new Uint8Array(readFileSync(fixturePath(codec)));
      expect(await avscRead(file)).toEqual(fixtureRecords());
      expect(await decodeAll(chunked(file, 333))).toEqual(fixtureRecords());
      // Many blocks: the sync marker (a file's last 16 bytes) ends the header and every block.
      const sync = Buffer.from(file.subarray(-16));
      let markers = 0;
      for (let at = Buffer.from(file).indexOf(sync); at >= 0; at = Buffer.from(file).indexOf(sync, at + 16)) markers++;
      expect(markers).toBeGreaterThan(5);
    });
  }
});

import { describe, expect, it } from "vitest";
import { FakeCohere, ManualClock, type WireListBatchesResponse } from "../../src/testing/index.js";

const AUTH = { authorization: "Bearer test-token" };

async function list(
  fake: FakeCohere,
  query = "",
): Promise<{ status: number; body: WireListBatchesResponse & { message?: string } }> {
  const response = await fake.fetch(`https://api.cohere.com/v2/batches${query}`, { headers: AUTH });
  return { status: response.status, body: (await response.json()) as WireListBatchesResponse & { message?: string } };
}

// Follows next_page_token to the end, with a bound so a bug cannot loop forever.
async function listAll(
  fake: FakeCohere,
  query: string,
  firstToken?: string,
): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let token = firstToken;
  for (let i = 0; i < 200; i++) {
    const tokenQuery = token === undefined ? "" : `&page_token=${encodeURIComponent(token)}`;
    const { status, body } = await list(fake, `${query}${tokenQuery}`);
    expect(status).toBe(200);
    ids.push(...body.batches.map((b) => b.id));
    pages.push(body.batches.length);
    token = body.next_page_token;
    if (token === undefined) return { ids, pages };
    expect(token).not.toBe("");
  }
  throw new Error("pagination did not end");
}

describe("pagination", () => {
  // Batches created 1 ms apart, so created_at order and insertion order agree.
  function seeded(count: number): { fake: FakeCohere; clock: ManualClock; idsNewestFirst: string[] } {
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(...fake.addBatches(1).map((b) => b.id));
      clock.advance(1);
    }
    return { fake, clock, idsNewestFirst: ids.reverse() };
  }

  it("walks 2,500 batches with page tokens: every id once, newest first, 50 per page by default", async () => {
    const { fake, idsNewestFirst } = seeded(2500);
    const { ids, pages } = await listAll(fake, "?");
    expect(ids).toEqual(idsNewestFirst);
    expect(pages).toEqual(Array(50).fill(50));
  });

  it("walks them in pages of 1000 and clamps page_size=5000 to 1000", async () => {
    const { fake, idsNewestFirst } = seeded(2500);
    for (const size of [1000, 5000]) {
      const { ids, pages } = await listAll(fake, `?page_size=${size}`);
      expect(ids).toEqual(idsNewestFirst);
      expect(pages).toEqual([1000, 1000, 500]);
    }
  });

  it("walks batches made before 1970 (a page token's key is then negative; it was refused as invalid)", async () => {
    const clock = new ManualClock(Date.parse("1969-07-20T20:17:40Z"));
    const fake = new FakeCohere({ clock });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(...fake.addBatches(1).map((b) => b.id));
      clock.advance(1);
    }
    const walked = await listAll(fake, "?page_size=2");
    expect(walked.ids).toEqual(ids.reverse());
    expect(walked.pages).toEqual([2, 2, 1]);
  });

  it("orders ties (same created_at) by insertion, newest first", async () => {
    const fake = new FakeCohere();
    const added = fake.addBatches(2500);
    const { ids } = await listAll(fake, "?page_size=333");
    expect(ids).toEqual(added.map((b) => b.id).reverse());
  });

  it("omits next_page_token on the last page, including an exactly full one", async () => {
    const { fake } = seeded(4);
    const { body } = await list(fake, "?page_size=4");
    expect(body.batches).toHaveLength(4);
    expect(body).not.toHaveProperty("next_page_token");
  });

  it("neither repeats nor skips when batches are created between pages", async () => {
    const { fake, clock, idsNewestFirst } = seeded(30);
    const first = await list(fake, "?page_size=10");
    clock.advance(1000);
    fake.addBatches(5);
    const rest = await listAll(fake, "?page_size=10", first.body.next_page_token);
    expect([...first.body.batches.map((b) => b.id), ...rest.ids]).toEqual(idsNewestFirst);
  });

  it("orders by updated_at, newest first, with order_by=updated_at", async () => {
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock });
    const [a, b, c] = fake.addBatches(3);
    clock.advance(10);
    // Only b moves: canceling it updates its updated_at.
    await fake.fetch(`https://api.cohere.com/v2/batches/${b?.id ?? ""}:cancel`, { method: "POST", headers: AUTH });
    const { ids } = await listAll(fake, "?order_by=updated_at&page_size=1");
    expect(ids).toEqual([b?.id, c?.id, a?.id]);
    const byCreation = await listAll(fake, "?order_by=created_at&page_size=2");
    expect(byCreation.ids).toEqual([c?.id, b?.id, a?.id]);
  });

  const badParameters = [
    // An int32 in the spec: 2^31 is no page_size to clamp.
    ...["-1", "abc", "1.5", "1e3", " 5", "2147483648", "99999999999"].map((value) => ["page_size", value]),
    ...["created", "CREATED_AT", "name", "created_at desc"].map((value) => ["order_by", value]),
  ];
  it.each(badParameters)("refuses %s=%j with 400", async (name, value) => {
    const { fake } = seeded(1);
    const { status, body } = await list(fake, `?${name}=${encodeURIComponent(value)}`);
    expect(status).toBe(400);
    expect(body.message).toContain(name);
  });

  it.each(["0", "00"])("treats page_size=%s as unset (proto3's zero value): pages of 50", async (size) => {
    const { fake } = seeded(60);
    const { status, body } = await list(fake, `?page_size=${size}`);
    expect(status).toBe(200);
    expect(body.batches).toHaveLength(50);
    expect(body.next_page_token).toBeTruthy();
  });

  it("treats empty parameters as absent", async () => {
    const { fake } = seeded(60);
    const { status, body } = await list(fake, "?page_size=&order_by=&page_token=");
    expect(status).toBe(200);
    expect(body.batches).toHaveLength(50);
  });

  it("refuses malformed, tampered, foreign and stale page tokens with 400", async () => {
    const { fake } = seeded(5);
    const { body } = await list(fake, "?page_size=2");
    const token = body.next_page_token ?? "";
    expect((await list(fake, `?page_size=2&page_token=${token}`)).status).toBe(200);

    const other = seeded(5).fake;
    const foreign = (await list(other, "?page_size=2")).body.next_page_token ?? "";
    const tampered = `${token.slice(0, -2)}${token.endsWith("A") ? "B" : "A"}A`;
    for (const bad of ["garbage!", "abc", tampered, foreign, btoa("v1.created_at.1.1.00000000")]) {
      const result = await list(fake, `?page_token=${encodeURIComponent(bad)}`);
      expect(result.status, bad).toBe(400);
      expect(result.body.message).toContain("page_token");
    }
    // A token for one order is refused for the other.
    const mismatch = await list(fake, `?order_by=updated_at&page_token=${token}`);
    expect(mismatch.status).toBe(400);
    // reset({ batches: true }) makes earlier tokens stale.
    fake.reset({ batches: true });
    expect((await list(fake, `?page_token=${token}`)).status).toBe(400);
  });
});

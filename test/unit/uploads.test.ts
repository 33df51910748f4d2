import { describe, expect, it, vi } from "vitest";
import { CohereAbortError, CohereError } from "../../src/index.js";
import { encodeMultipart } from "../../src/internal/uploads.js";

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const parse = (contentType: string, body: BodyInit) =>
  new Response(body, { headers: { "content-type": contentType } }).formData();

async function* twoChunks() {
  yield "a,b\n";
  yield new TextEncoder().encode("c,d\n");
}

async function* broken() {
  yield "a,b\n";
  throw new Error("source broke");
}

describe("multipart bodies of uploads", () => {
  it("blob parts make one replayable Blob that parses back to each part's bytes and filename", async () => {
    const encoded = await encodeMultipart(
      [
        { field: "data", filename: "d.jsonl", data: "{}\n" },
        { field: "eval_data", filename: "e.jsonl", data: [{ a: 1 }] },
      ],
      true,
    );
    expect(encoded.replayable).toBe(true);
    expect(encoded.body).toBeInstanceOf(Blob);
    const form = await parse(encoded.contentType, encoded.body);
    expect(await (form.get("data") as File).text()).toBe("{}\n");
    expect((form.get("eval_data") as File).name).toBe("e.jsonl");
    expect(await (form.get("eval_data") as File).text()).toBe('{"a":1}\n');
  });

  it("a stream part makes a one-shot stream where fetch can stream, and a Blob where it cannot (browsers)", async () => {
    const streamed = await encodeMultipart([{ field: "data", filename: "d.csv", data: twoChunks() }], true);
    expect(streamed.replayable).toBe(false);
    expect(streamed.body).toBeInstanceOf(ReadableStream);
    expect(await ((await parse(streamed.contentType, streamed.body)).get("data") as File).text()).toBe("a,b\nc,d\n");
    const gathered = await encodeMultipart([{ field: "data", filename: "d.csv", data: twoChunks() }], false);
    expect(gathered.replayable).toBe(true);
    expect(await ((await parse(gathered.contentType, gathered.body)).get("data") as File).text()).toBe("a,b\nc,d\n");
  });

  it("cancelling the stream (an aborted attempt) closes the caller's source", async () => {
    let closed = false;
    async function* endless() {
      try {
        for (;;) yield "x\n";
      } finally {
        closed = true;
      }
    }
    const encoded = await encodeMultipart([{ field: "data", filename: "d.jsonl", data: endless() }], true);
    const reader = (encoded.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect(closed).toBe(true);
  });

  it("gathering a source that never ends stops at once when the signal fires", async () => {
    const controller = new AbortController();
    const stuck = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => undefined) });
    setTimeout(() => controller.abort(new Error("stop")), 20);
    const error = await encodeMultipart(
      [{ field: "data", filename: "d", data: stuck }],
      false,
      controller.signal,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
  });

  it.each([
    ["a generator that throws", () => broken()],
    ["a stream that errors", () => new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error("source broke")) })],
  ])("%s is a CohereError saying the data failed as it was read, when gathered (browsers)", async (_, data) => {
    const error = await encodeMultipart([{ field: "data", filename: "d", data: data() }], false).catch(
      (e: unknown) => e,
    );
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).message).toBe("The data being uploaded failed as it was read: source broke");
  });

  it("a source that throws as it is streamed fires the body's failure signal with that CohereError, and does not error the body", async () => {
    // An errored request body is an uncaught exception in workerd, which then sends the body cut
    // short; edge-runtime's fetch makes the error a connection failure. The signal ends it instead.
    const encoded = await encodeMultipart([{ field: "data", filename: "d", data: broken() }], true);
    const reader = (encoded.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the part's head
    await reader.read(); // the source's first chunk
    const pending = reader.read();
    const signal = encoded.failure as AbortSignal;
    await vi.waitFor(() => expect(signal.aborted).toBe(true));
    expect(CohereError.is(signal.reason)).toBe(true);
    expect((signal.reason as Error).message).toBe("The data being uploaded failed as it was read: source broke");
    // The body is neither errored nor ended by the failure itself.
    const state = await Promise.race([
      pending.then(
        () => "settled",
        () => "errored",
      ),
      settle(50).then(() => "pending"),
    ]);
    expect(state).toBe("pending");
    // Once the call has settled it is errored, never closed: a fetch still reading must not send
    // what it has as a whole body.
    encoded.release();
    await expect(pending).rejects.toBeInstanceOf(CohereAbortError);
  });

  it("a read that fails after fetch cancelled the body (the SDK closed the source) is not the data's failure", async () => {
    // Bun's fetch cancels the body on an abort or a timeout; closing a Node stream then fails the
    // read in flight ("Premature close"), which was taken for the data's own failure.
    let fail = (_: Error) => {};
    async function* waiting() {
      yield "a\n";
      await new Promise((_, reject) => {
        fail = reject;
      });
    }
    const encoded = await encodeMultipart([{ field: "data", filename: "d", data: waiting() }], true);
    const reader = (encoded.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.read();
    const pending = reader.read();
    await settle(10);
    await reader.cancel();
    fail(new Error("Premature close"));
    await settle(10);
    expect(encoded.failure?.aborted).toBe(false);
    await pending.catch(() => undefined);
  });

  it("a gathered stream (browsers) that stalls is cancelled when the signal fires", async () => {
    let cancelled = false;
    const stalled = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new Uint8Array([1])),
      pull: () => new Promise(() => undefined),
      cancel: () => {
        cancelled = true;
      },
    });
    const upload = new AbortController();
    setTimeout(() => upload.abort(new Error("stop")), 20);
    const error = await encodeMultipart([{ field: "data", filename: "d", data: stalled }], false, upload.signal).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CohereAbortError);
    await settle(10);
    expect(cancelled).toBe(true);
  });

  it("gathering two parts (browsers), the failure of one stops the other, and its stream is cancelled", async () => {
    // The other part was read on until its source ended (never, for one that keeps sending):
    // into memory, its stream locked by the read, so that closing the caller's streams could not.
    let pulls = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        pulls++;
        await settle(1);
        controller.enqueue(new Uint8Array(16));
      },
      cancel: () => {
        cancelled = true;
      },
    });
    const error = await encodeMultipart(
      [
        { field: "data", filename: "d", data: broken() },
        { field: "eval_data", filename: "e", data: endless },
      ],
      false,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toContain("source broke");
    await settle(20);
    const after = pulls;
    await settle(100);
    expect(pulls).toBe(after);
    expect(cancelled).toBe(true);
  });

  it("refuses data of no supported kind before reading anything", async () => {
    await expect(encodeMultipart([{ field: "data", filename: "d", data: { a: 1 } }], true)).rejects.toBeInstanceOf(
      CohereError,
    );
  });
});

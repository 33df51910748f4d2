/**
 * Reads a request's body for the fake: as text, or as the parts of a multipart upload.
 *
 * @packageDocumentation
 */

/**
 * The body as text, or parsed as `multipart/form-data` (with `Request#formData`, so file parts
 * keep their bytes and names). A multipart body that cannot be parsed is left for the
 * operation to refuse; one that breaks off because the client left rejects as the fetch would.
 */
export async function readBody(request: Request): Promise<{ body: string; form?: FormData }> {
  if (request.method === "GET" || request.method === "HEAD") return { body: "" };
  // As fetch does, the request ends when its signal aborts, even with its body still coming: a
  // body stream that stalls would otherwise keep the read (and the caller) waiting for ever.
  const { signal } = request;
  if (signal.aborted) throw signal.reason;
  let stop = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
  });
  try {
    return await Promise.race([readWhole(request), aborted]);
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

async function readWhole(request: Request): Promise<{ body: string; form?: FormData }> {
  if (!/^multipart\/form-data\b/i.test(request.headers.get("content-type") ?? ""))
    return { body: await request.text() };
  try {
    return { body: "", form: await request.formData() };
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason;
    if (error instanceof TypeError) return { body: "" };
    throw error;
  }
}

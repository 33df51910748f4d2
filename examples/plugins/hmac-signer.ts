import type { MiddlewarePlugin } from "cohere-batches";

/** Signs every attempt (method, URL, timestamp, body) with HMAC-SHA256, for a gateway that checks it. */
export function hmacSigner(secret: string): MiddlewarePlugin {
  const key = crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return {
    name: "hmac-signer",
    phase: "attempt", // per attempt: a retry is signed afresh, with a new timestamp
    handle: async (request, next, context) => {
      // A results part comes from a storage host by a signed URL: the gateway is not in the way.
      if (context.operation === "datasets.download") return next(request);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const body = request.body === null ? "" : await request.clone().text();
      const payload = new TextEncoder().encode(`${request.method}\n${request.url}\n${timestamp}\n${body}`);
      const signature = new Uint8Array(await crypto.subtle.sign("HMAC", await key, payload));
      request.headers.set("X-Signature-Timestamp", timestamp);
      request.headers.set("X-Signature", Array.from(signature, (b) => b.toString(16).padStart(2, "0")).join(""));
      return next(request);
    },
  };
}

// Node 20 before 20.16 has no process.getBuiltinModule. The SDK raises Node's listener limit on a
// caller's signal as fetch does (see caller-signal-listeners.test.ts): that must not depend on it.
// A file of its own: the SDK's modules are fresh here, so nothing an earlier test loaded hides
// the missing function.
import { getEventListeners } from "node:events";
import { expect, it } from "vitest";
import { leakWarnings } from "../helpers/leak-warnings.js";
import { collect, embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake();

it("warns of no leak on a Node without process.getBuiltinModule (before 20.16)", async () => {
  const { id } = await env.completedBatch(embedRequests(3));
  const client = env.client();
  const signal = new AbortController().signal;
  const own = Object.getOwnPropertyDescriptor(process, "getBuiltinModule");
  Object.defineProperty(process, "getBuiltinModule", { value: undefined, configurable: true, writable: true });
  try {
    const warnings = await leakWarnings(() =>
      Promise.all([
        ...Array.from({ length: 20 }, () => client.batches.list({ page_size: 1 }, { abortSignal: signal })),
        ...Array.from({ length: 12 }, () => collect(client.batches.results(id as string, { abortSignal: signal }))),
      ]),
    );
    expect(warnings).toEqual([]);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  } finally {
    if (own === undefined) delete (process as { getBuiltinModule?: unknown }).getBuiltinModule;
    else Object.defineProperty(process, "getBuiltinModule", own);
  }
});

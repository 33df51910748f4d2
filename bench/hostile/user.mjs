// The hostile user of the hostile-user soak: token functions that are slow, throw or never
// settle; middleware that sleeps, throws (an Error, a string, a Proxy whose every trap throws),
// returns junk, never calls next, calls it again after its run, or hands back a body that stalls; a
// shouldRetry that is async and rejects; a logger and a tracer that throw. Each call carries its plan in the request
// option `context`, which the SDK passes to middleware untouched.
import { CohereClient, loggingMiddleware, tracingMiddleware } from "cohere-batches";

export const soakToken = "soak-secret-token-0123456789abcdef";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const never = () => new Promise(() => {});
/** A value that throws however it is read: the worst thing users' code can throw. */
const unreadable = () =>
  new Proxy(
    {},
    Object.fromEntries(
      ["get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf"].map((trap) => [
        trap,
        () => {
          throw new Error(`${trap} refused`);
        },
      ]),
    ),
  );

/** What the attempt-phase middleware does on a call. */
export const attemptPlans = [
  "ok",
  "ok",
  "ok",
  "ok",
  "sleep",
  "throw",
  "throw-string",
  "throw-unreadable",
  "junk",
  "undefined",
  "never",
  "stall-body",
  "late-next",
];

function attemptPlugin(random) {
  return async function hostileAttempt(request, next, context) {
    switch (context.options.context?.attemptPlan) {
      case "sleep":
        await sleep(random() * 40);
        return next(request);
      case "throw":
        throw new Error("plugin bug");
      case "throw-string":
        throw "plugin bug";
      case "throw-unreadable":
        throw unreadable();
      case "junk":
        return { status: 200, body: "junk" };
      case "undefined":
        return undefined;
      case "never":
        return never();
      case "stall-body":
        return new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode("{")) }));
      case "late-next":
        // Calls next again once its run is over, dropping the promise: refused, nothing sent
        // (a second create would count as a duplicate), and no unhandled rejection.
        setTimeout(() => void next(request), 5);
        return next(request);
      default:
        return next(request);
    }
  };
}

const callPlugin = (random) => ({
  name: "hostile-call",
  phase: "call",
  handle: async (request, next, context) => {
    if (context.options.context?.callSleep) await sleep(random() * 40);
    return next(request);
  },
});

const throwingLogger = {
  debug() {},
  info() {
    throw new Error("logger down");
  },
  warn() {
    return Promise.reject(new Error("logger down"));
  },
  error() {
    throw new Error("logger down");
  },
};

/** A token function that is usually slow, sometimes throws, rarely never settles. */
function hostileToken(random) {
  return async () => {
    const roll = random();
    if (roll < 0.005) return never();
    if (roll < 0.008) throw new Error("vault unreachable");
    if (roll < 0.01) throw unreadable();
    if (roll < 0.5) await sleep(roll * 20);
    return soakToken;
  };
}

/** A client for `baseUrl` with every hostile piece installed. */
export function hostileClient(baseUrl, random) {
  return new CohereClient({
    token: hostileToken(random),
    baseUrl,
    timeoutInSeconds: 0.25,
    maxRetries: 2,
    // Sometimes async and rejecting: reported, never an unhandled rejection.
    shouldRetry: () => (random() < 0.1 ? Promise.reject(new Error("async verdict")) : undefined),
    middleware: [
      callPlugin(random),
      attemptPlugin(random),
      loggingMiddleware({ logger: throwingLogger }),
      tracingMiddleware({
        onAttempt: () => {
          if (random() < 0.5) throw new Error("exporter down");
        },
      }),
    ],
  });
}

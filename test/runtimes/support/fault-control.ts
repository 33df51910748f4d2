// The fake for fixtures/faults.mjs, served over HTTP on 127.0.0.1 by the test process (so that
// every runtime meets the same server, Node's), and a small control service beside it on another
// loopback port, through which the fixture, in whatever runtime, seeds a completed batch,
// injects faults and counts the requests the fake saw. Made once per test file
// (`useFaultControl`), or once per browser run by its global setup (`startFaultControl`).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { CORS_HEADERS, preflightHeaders } from "../../../src/testing/cors-headers.js";
import {
  FakeCohere,
  type Fault,
  type FaultTarget,
  type FakeCohereServer,
  startFakeCohereServer,
} from "../../../src/testing/index.node.js";

export interface FaultControl {
  readonly fake: FakeCohere;
  /** The fake's API origin. */
  readonly baseUrl: string;
  /** The control service's origin. */
  readonly controlUrl: string;
}

/**
 * The lanes of fixtures/workflow-faults.mjs: a fake of its own for each operation, served on a
 * port of its own, so that operations whose faulted requests meet run side by side, each
 * clearing its faults between scenarios. Validation completes at once in a lane that asks for
 * it (`validates`); elsewhere datasets and batches stay as they are (the clock does not move).
 */
type Lanes = Map<string, { fake: FakeCohere; server: FakeCohereServer }>;

async function lane(
  lanes: Lanes,
  name: string,
  validates: boolean,
): Promise<{ fake: FakeCohere; server: FakeCohereServer }> {
  let found = lanes.get(name);
  if (found === undefined) {
    const fake = new FakeCohere(validates ? { datasetLifecycle: { queuedForMs: 0, processingForMs: 0 } } : {});
    found = { fake, server: await startFakeCohereServer(fake) };
    lanes.set(name, found);
  }
  return found;
}

/** A lane's control request (`/lane` starts it; the others name it in `lane`), else `answer`'s. */
async function answerLanes(
  fake: FakeCohere,
  lanes: Lanes,
  path: string,
  body: Record<string, unknown>,
): Promise<unknown> {
  if (path === "/lane") {
    const { fake: own, server } = await lane(lanes, body.lane as string, body.validates === true);
    // Queued batches that never move (the clock does not): one per scenario that needs one.
    const batchIds = own.addBatches(12).map((batch) => batch.id);
    return { baseUrl: server.url, batchIds };
  }
  if (typeof body.lane === "string") {
    const own = lanes.get(body.lane);
    if (own === undefined) throw new Error(`no such lane: ${body.lane}`);
    if (path === "/clear") {
      const left = own.fake.pendingFaults;
      own.fake.reset();
      return { count: left };
    }
    return answer(own.fake, path, body);
  }
  return answer(fake, path, body);
}

/** Answers one control request: `/seed`, `/inject`, `/count`, `/pending`, each a POST of JSON. */
function answer(fake: FakeCohere, path: string, body: Record<string, unknown>): unknown {
  switch (path) {
    // A completed batch with an output dataset (its records in three parts), and three more.
    case "/seed": {
      const [batch] = fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED", num_records: 3 });
      // Two pages of two for the walk that is aborted between them.
      fake.addBatches(3);
      return { batchId: batch?.id, outputDatasetId: batch?.output_dataset_id };
    }
    case "/inject":
      fake.inject(body.operation as FaultTarget, body.fault as Fault, { times: body.times as number });
      return {};
    case "/count":
      return { count: fake.count(body.operation as FaultTarget) };
    case "/pending":
      return { count: fake.pendingFaults };
    default:
      throw new Error(`no such control: ${path}`);
  }
}

function listen(fake: FakeCohere, lanes: Lanes): Promise<Server> {
  const server = createServer((req, res) => {
    // A browser page calls it across origins: its POSTs of JSON are preflighted.
    if (req.method === "OPTIONS") {
      res.writeHead(204, preflightHeaders(req.headers["access-control-request-headers"])).end();
      return;
    }
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      text += chunk;
    });
    req.on("end", () => {
      Promise.resolve()
        .then(() => answerLanes(fake, lanes, req.url ?? "", text === "" ? {} : JSON.parse(text)))
        .then(
          (result) =>
            res.writeHead(200, { ...CORS_HEADERS, "content-type": "application/json" }).end(JSON.stringify(result)),
          (error: unknown) => res.writeHead(400, { ...CORS_HEADERS, "content-type": "text/plain" }).end(String(error)),
        );
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** A started fault control: its fake served, the control beside it; `close` stops both and the lanes. */
export interface StartedFaultControl extends FaultControl {
  close(): Promise<void>;
}

/** Serves a fresh fake and its control service on loopback ports (both answer CORS). */
export async function startFaultControl(): Promise<StartedFaultControl> {
  const fake = new FakeCohere();
  const lanes: Lanes = new Map();
  const [server, control] = await Promise.all([startFakeCohereServer(fake), listen(fake, lanes)]);
  return {
    fake,
    baseUrl: server.url,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    close: async () => {
      control.closeAllConnections();
      await Promise.all([
        server.close(),
        new Promise<void>((resolve) => control.close(() => resolve())),
        ...[...lanes.values()].map((lane) => lane.server.close()),
      ]);
      lanes.clear();
    },
  };
}

/** Registers the hooks; read the fields inside tests, after `beforeAll` has run. */
export function useFaultControl(): FaultControl {
  const state = { fake: new FakeCohere(), baseUrl: "", controlUrl: "" };
  let started: StartedFaultControl | undefined;
  beforeAll(async () => {
    started = await startFaultControl();
    Object.assign(state, { fake: started.fake, baseUrl: started.baseUrl, controlUrl: started.controlUrl });
  });
  afterAll(() => started?.close());
  return state;
}

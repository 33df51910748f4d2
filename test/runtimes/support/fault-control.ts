// The fake for fixtures/faults.mjs, served over HTTP on 127.0.0.1 by the test process (so that
// every runtime meets the same server, Node's), and a small control service beside it on another
// loopback port, through which the fixture, in whatever runtime, seeds a completed batch,
// injects faults and counts the requests the fake saw. Made once per test file
// (`useFaultControl`), or once per browser run by its global setup (`startFaultControl`).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { CORS_HEADERS, preflightHeaders } from "../../../src/testing/cors-headers.js";
import { FakeCohere, type Fault, type FaultTarget, startFakeCohereServer } from "../../../src/testing/index.node.js";

export interface FaultControl {
  readonly fake: FakeCohere;
  /** The fake's API origin. */
  readonly baseUrl: string;
  /** The control service's origin. */
  readonly controlUrl: string;
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

function listen(fake: FakeCohere): Promise<Server> {
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
      try {
        const result = answer(fake, req.url ?? "", text === "" ? {} : JSON.parse(text));
        res.writeHead(200, { ...CORS_HEADERS, "content-type": "application/json" }).end(JSON.stringify(result));
      } catch (error) {
        res.writeHead(400, { ...CORS_HEADERS, "content-type": "text/plain" }).end(String(error));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** A started fault control: its fake served, the control beside it; `close` stops both. */
export interface StartedFaultControl extends FaultControl {
  close(): Promise<void>;
}

/** Serves a fresh fake and its control service on loopback ports (both answer CORS). */
export async function startFaultControl(): Promise<StartedFaultControl> {
  const fake = new FakeCohere();
  const [server, control] = await Promise.all([startFakeCohereServer(fake), listen(fake)]);
  return {
    fake,
    baseUrl: server.url,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    close: async () => {
      control.closeAllConnections();
      await Promise.all([server.close(), new Promise<void>((resolve) => control.close(() => resolve()))]);
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

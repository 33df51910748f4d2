import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type Batch,
  BatchStatus,
  DatasetValidationStatus,
  isTerminalStatus,
  isTerminalValidationStatus,
} from "../../src/index.js";

describe("status helpers", () => {
  it("BatchStatus holds the wire values, typed as the union", () => {
    expect(BatchStatus.Completed).toBe("BATCH_STATUS_COMPLETED");
    expect(Object.values(BatchStatus)).toEqual([
      "BATCH_STATUS_UNSPECIFIED",
      "BATCH_STATUS_QUEUED",
      "BATCH_STATUS_IN_PROGRESS",
      "BATCH_STATUS_CANCELING",
      "BATCH_STATUS_COMPLETED",
      "BATCH_STATUS_FAILED",
      "BATCH_STATUS_CANCELED",
    ]);
    expectTypeOf(BatchStatus.Completed).toEqualTypeOf<"BATCH_STATUS_COMPLETED">();
    expectTypeOf<BatchStatus>().toEqualTypeOf<
      | "BATCH_STATUS_UNSPECIFIED"
      | "BATCH_STATUS_QUEUED"
      | "BATCH_STATUS_IN_PROGRESS"
      | "BATCH_STATUS_CANCELING"
      | "BATCH_STATUS_COMPLETED"
      | "BATCH_STATUS_FAILED"
      | "BATCH_STATUS_CANCELED"
    >();
    expectTypeOf<Batch["id"]>().toEqualTypeOf<string>();
  });

  it("isTerminalStatus is true for completed, failed and canceled only", () => {
    const terminal = Object.values(BatchStatus).filter((status) => isTerminalStatus(status));
    expect(terminal).toEqual([BatchStatus.Completed, BatchStatus.Failed, BatchStatus.Canceled]);
    expect(isTerminalStatus(undefined)).toBe(false);
    expect(isTerminalStatus("BATCH_STATUS_SOMETHING_NEW")).toBe(false);
    expect(isTerminalStatus("BATCH_STATUS_COMPLETE")).toBe(false);
  });

  it("DatasetValidationStatus and isTerminalValidationStatus: validated, skipped and failed end validation", () => {
    expect(DatasetValidationStatus.Validated).toBe("validated");
    const terminal = Object.values(DatasetValidationStatus).filter((status) => isTerminalValidationStatus(status));
    expect(terminal).toEqual(["failed", "validated", "skipped"]);
    expect(isTerminalValidationStatus(undefined)).toBe(false);
    expect(isTerminalValidationStatus("processing")).toBe(false);
  });
});

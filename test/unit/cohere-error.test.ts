import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { ApiError, CohereError, CohereTimeoutError, NotFoundError } from "../../src/index.js";

// Users subclass the SDK's errors for their own failures (a wrapper's "our job failed" error).
// Such a class inherits the static `errorName` of its parent: the brand must not make the
// parent's errors pass for the subclass, nor the subclass be named after its parent.
class JobFailedError extends CohereError {}
class MissingBatchError extends NotFoundError {}
const notFound = () => ({ status: 404, body: { message: "gone" }, headers: new Headers(), requestId: undefined });
class NamedError extends CohereError {
  static override readonly errorName: string = "NamedError";
}

describe("CohereError.is and name, for users' subclasses", () => {
  it("a subclass without its own errorName does not claim its parent's errors", () => {
    expect(JobFailedError.is(new CohereError("x"))).toBe(false);
    expect(JobFailedError.is(new CohereTimeoutError(1))).toBe(false);
    expect(MissingBatchError.is(new NotFoundError(notFound()))).toBe(false);
    expect(JobFailedError.is(new JobFailedError("x"))).toBe(true);
    expect(MissingBatchError.is(new MissingBatchError(notFound()))).toBe(true);
  });

  it("works unbound, as a callback: each class's own guard", () => {
    const errors: unknown[] = [
      new NotFoundError(notFound()),
      new CohereTimeoutError(1),
      new MissingBatchError(notFound()),
      "x",
    ];
    expect(errors.filter(NotFoundError.is)).toEqual([errors[0], errors[2]]);
    expect(errors.filter(MissingBatchError.is)).toEqual([errors[2]]);
    expect(errors.some(CohereTimeoutError.is)).toBe(true);
    expect(errors.find(ApiError.is)).toBe(errors[0]);
    const is: (value: unknown) => boolean = JobFailedError.is;
    expect(is(new JobFailedError("x"))).toBe(true);
    expect(is(new CohereError("x"))).toBe(false);
    expect(NotFoundError.is).toBe(NotFoundError.is);
  });

  it("a user's own static is (calling super.is) answers false unbound, and is can still be assigned", () => {
    // @ts-expect-error a narrower static `is` than the base's generic one, as a user may write it
    class Own extends CohereError {
      static override is(value: unknown): value is Own {
        return super.is(value) && (value as Error).message === "own";
      }
    }
    expect([new Own("own")].filter(Own.is as (value: unknown) => boolean)).toEqual([]);
    expect(Own.is(new Own("own"))).toBe(true);
    class Assigned extends CohereError {}
    const mine = (value: unknown): value is Assigned => value === "mine";
    Object.assign(Assigned, { is: mine });
    expect(Assigned.is).toBe(mine);
    expect(CohereError.is(new Assigned("x"))).toBe(true);
  });

  it("the parents still recognise the subclass's errors", () => {
    const error = new MissingBatchError(notFound());
    expect(CohereError.is(error)).toBe(true);
    expect(ApiError.is(error)).toBe(true);
    expect(NotFoundError.is(error)).toBe(true);
    expect(CohereTimeoutError.is(error)).toBe(false);
  });

  it("an error of a subclass is named after its class", () => {
    expect(new JobFailedError("x").name).toBe("JobFailedError");
    expect(new MissingBatchError(notFound()).name).toBe("MissingBatchError");
    expect(new NamedError("x").name).toBe("NamedError");
  });

  it("a subclass with its own errorName is recognised by the brand, across copies of the class", () => {
    // An error carrying the brand of a NamedError, as an error thrown by the other build
    // (ESM / CJS) of the same class would.
    const error = new NamedError("x");
    expect(NamedError.is(error)).toBe(true);
    expect(NamedError.is(new CohereError("x"))).toBe(false);
    const brand = Symbol.for("cohere-batches.error");
    const branded = Object.defineProperty(new Error("x"), brand, { value: ["NamedError", "CohereError"] });
    expect(NamedError.is(branded)).toBe(true);
    expect(CohereError.is(branded)).toBe(true);
    // An error of another realm (a node:vm context) carrying the brand is one.
    const foreign = runInNewContext("new Error('x')") as Error;
    Object.defineProperty(foreign, brand, { value: ["NamedError", "CohereError"] });
    expect(foreign).not.toBeInstanceOf(Error);
    expect(NamedError.is(foreign)).toBe(true);
    // The brand on something that is no error does not make one.
    const plain = Object.defineProperty(Object.create(null) as object, brand, { value: ["NamedError", "CohereError"] });
    expect(NamedError.is(plain)).toBe(false);
    expect(CohereError.is(plain)).toBe(false);
  });
});

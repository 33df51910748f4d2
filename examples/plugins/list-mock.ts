import type { ListBatchesResponse, MiddlewarePlugin } from "cohere-batches";

/** Answers `batches.list` with fixed pages (by `page_token`), and lets every other call through. */
export function listMock(pages: Record<string, ListBatchesResponse>): MiddlewarePlugin {
  return {
    name: "list-mock",
    phase: "call",
    handle: async (request, next, context) => {
      if (context.operation !== "batches.list") return next(request);
      const page = pages[String(context.params.query?.page_token ?? "")];
      // An unknown token is a 404, which the caller gets as a NotFoundError.
      return page === undefined ? Response.json({ message: "no such page" }, { status: 404 }) : Response.json(page);
    },
  };
}

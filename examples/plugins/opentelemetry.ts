import { CohereClient } from "cohere-batches";
import { openTelemetryPlugin } from "cohere-batches/otel";
import type { Tracer } from "@opentelemetry/api";

/** A client whose calls and attempts are spans ("GET /v2/batches/{id}"), with traceparent sent. */
export function tracedClient(tracer: Tracer, options: ConstructorParameters<typeof CohereClient>[0] = {}) {
  return new CohereClient({ ...options, middleware: [openTelemetryPlugin({ tracer })] });
}

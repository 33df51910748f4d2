import type { Attributes } from "@opentelemetry/api";
import type { MiddlewareContext } from "cohere-batches";
import { isPlainParameter, noneIsPlain, redactedQuery } from "./url-redaction.js";

export function callAttributes(request: Request, context: MiddlewareContext): Attributes {
  return {
    "http.request.method": request.method,
    "url.template": context.route,
    "cohere.operation": context.operation,
    ...(context.via === undefined ? {} : { "cohere.via": context.via }),
  };
}

export function attemptAttributes(request: Request, context: MiddlewareContext, resends: number): Attributes {
  const url = new URL(request.url);
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  return {
    "http.request.method": request.method,
    "url.full": redactedQuery(request.url, url, isDownload(context) ? noneIsPlain : isPlainParameter),
    "url.template": context.route,
    // An IPv6 address without the brackets a URL writes it in (semconv: the address itself).
    "server.address": url.hostname.replace(/^\[(.*)\]$/, "$1"),
    "server.port": port,
    ...(resends > 0 ? { "http.request.resend_count": resends } : {}),
  };
}

/** A results part's download (`datasets.download`): a signed URL on a storage host. */
export function isDownload(context: MiddlewareContext): boolean {
  return context.operation === "datasets.download";
}

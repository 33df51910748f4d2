let redirectMode: RequestRedirect | undefined;

/**
 * `"error"` where the runtime takes it, else `"manual"` (workerd refuses `"error"`).
 *
 * @remarks
 * To be able to follow a redirect, fetch clones the request and tees its body; the branch it
 * never reads keeps every byte sent, so a 1 GB upload is held in memory (measured on Node 20:
 * +300 MB for a 300 MB stream; +0 with `"error"`). An upload is never redirected by Cohere: a
 * redirect fails the call (`"error"`), or comes back as a 3xx that is an `ApiError` (`"manual"`).
 */
export function uploadRedirectMode(): RequestRedirect {
  if (redirectMode === undefined) {
    try {
      new Request("http://localhost/", { redirect: "error" });
      redirectMode = "error";
    } catch {
      redirectMode = "manual";
    }
  }
  return redirectMode;
}

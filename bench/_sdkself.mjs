process.argv.push("--keep");
const { runProfile } = await import("./profile.mjs");
const { fetch: f, sdk: s } = await runProfile({});
console.log("busy", f.busyPerCall.toFixed(1), s.busyPerCall.toFixed(1));
let tot = 0;
for (const [k, us] of s.functions) {
  if (/dist\/|openapi-fetch|valibot/.test(k)) {
    tot += us;
    if (us > 0.4) console.log(us.toFixed(2).padStart(6), k);
  }
}
console.log("total sdk self", tot.toFixed(1));

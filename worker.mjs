export default { async test(ctrl, env) {
  const r = await fetch(env.URL + "/x");
  console.log("RESULT", r.status, await r.text(), typeof process, typeof navigator, navigator.userAgent);
} };

using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [
  (name = "main", worker = .mainWorker),
  (name = "loopback", network = (allow = ["local"])),
]);
const mainWorker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "2025-01-01",
  bindings = [(name = "URL", text = "http://127.0.0.1:37797")],
  globalOutbound = "loopback",
);

# Runs the built Worker locally under workerd (npm's `workerd`, the version in
# the root package.json), with the Room Durable Objects stored in memory.
#
#   ./build.sh build      # builds build/ (worker-build --release)
#   node_modules/.bin/workerd serve examples/cloudflare-worker/workerd.capnp
#
# listens on 127.0.0.1:8787. The end-to-end tests pick a free port instead:
#
#   workerd serve workerd.capnp --socket-addr http=127.0.0.1:0 --control-fd 3
#
# and read {"event":"listen","socket":"http","port":N} from fd 3.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  # What worker-build emits: the shim wrangler deploys (worker/shim.mjs), the
  # bundled JS it re-exports (index.js) and the module (index_bg.wasm). The
  # names are the paths under build/, so the relative imports resolve.
  modules = [
    (name = "worker/shim.mjs", esModule = embed "build/worker/shim.mjs"),
    (name = "index.js", esModule = embed "build/index.js"),
    (name = "index_bg.wasm", wasm = embed "build/index_bg.wasm"),
  ],
  # Keep in step with wrangler.toml.
  compatibilityDate = "2026-10-01",
  bindings = [
    (name = "ROOMS", durableObjectNamespace = "Room"),
    (name = "KEEPALIVE_MESSAGE", text = "keep alive"),
    (name = "KEEPALIVE_REPLY", text = "pong"),
  ],
  durableObjectNamespaces = [
    # enableSql: like the SQLite-backed class wrangler.toml declares (the Room
    # only uses the key-value API, which both kinds of storage have).
    (className = "Room", uniqueKey = "sw-websocket-cloudflare-worker-room", enableSql = true),
  ],
  # In memory, and only for an object's life: workerd gives each object an
  # empty cache that is never written out, so an object evicted after 10 s
  # without events (hibernating sockets do not count) starts again with empty
  # storage. Socket attachments and the keepalive auto-response survive that;
  # the per-client dedup state does not (on Cloudflare, storage is durable).
  durableObjectStorage = (inMemory = void),
);

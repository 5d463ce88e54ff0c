# Runs the built Worker locally under workerd (npm's `workerd`, the version in
# the root package.json), with the Room Durable Objects stored on disk in the
# directory given as `rooms` (it must exist):
#
#   ./build.sh build      # builds build/ (worker-build --release)
#   mkdir -p target/rooms
#   node_modules/.bin/workerd serve examples/cloudflare-worker/workerd.capnp \
#     --directory-path rooms=target/rooms
#
# listens on 127.0.0.1:8787. The end-to-end tests pick a free port and a
# fresh directory instead:
#
#   workerd serve workerd.capnp --socket-addr http=127.0.0.1:0 --control-fd 3 \
#     --directory-path rooms=<a temporary directory>
#
# and read {"event":"listen","socket":"http","port":N} from fd 3.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # Where the rooms' storage lives: no path here, so it must be given with
    # --directory-path rooms=<dir> (a relative one is from workerd's cwd).
    (name = "rooms", disk = (writable = true)),
  ],
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
  # On disk, as on Cloudflare: one SQLite file per object under
  # <dir>/sw-websocket-cloudflare-worker-room/. An object that workerd evicts
  # (10 s after its last event; hibernating sockets do not count), or a
  # workerd that is stopped and started again on the same directory, finds
  # its inbound log and per-client state as it left them. (With
  # `inMemory = void` instead, an evicted object starts with empty storage.)
  durableObjectStorage = (localDisk = "rooms"),
);

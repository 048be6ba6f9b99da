/**
 * A local HTTP server on 127.0.0.1 that serves ../shared/data like a dataset
 * mirror, so tests exercise the real download path without the internet.
 * Routes can be overridden to simulate corrupt, missing or slow files.
 */
import { SHARED_DATA } from "./paths.ts";

/** A running test server. */
export interface TestServer {
  /** Base URL, e.g. `http://127.0.0.1:43211`. */
  readonly url: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** A handler for one path; return undefined to fall through to the files. */
export type Override = (path: string) => Response | Promise<Response> | undefined;

/** Starts a server for ../shared/data on an ephemeral port. */
export function serveSharedData(override?: Override): TestServer {
  const requests: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname);
      requests.push(path);
      const custom = await override?.(path);
      if (custom) return custom;
      if (path.includes("..")) return new Response("bad path", { status: 400 });
      try {
        const file = await Deno.open(`${SHARED_DATA}${path}`, { read: true });
        const { size } = await file.stat();
        return new Response(file.readable, { headers: { "content-length": String(size) } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  const { port } = server.addr as Deno.NetAddr;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => server.shutdown() };
}

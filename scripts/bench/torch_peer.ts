/**
 * Runs a PyTorch peer script of the benchmarks with Debian's python3-torch
 * (`/usr/bin/python3`, else the first `python3`) and returns its JSON result,
 * or undefined when no Python with torch is found.
 *
 * @module
 */

/** What the peer scripts print last (one JSON object). */
export interface TorchPeerResult {
  readonly ms_per_step: number;
  readonly tokens_per_second: number;
  readonly threads: number;
  readonly torch: string;
}

/** Runs `scripts/bench/<script>` with `args`; undefined if no interpreter can. */
export async function runTorchPeer(
  script: string,
  args: readonly (string | number)[],
): Promise<TorchPeerResult | undefined> {
  const path = new URL(`./${script}`, import.meta.url).pathname;
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const out = await new Deno.Command(python, {
        args: [path, ...args.map(String)],
        stdout: "piped",
        stderr: "null",
      }).output();
      // The last line is the result (a training run prints its evaluations first).
      const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
      if (out.success) return JSON.parse(lines.at(-1)!);
    } catch {
      // try the next interpreter
    }
  }
  return undefined;
}

/**
 * The small Python program the runner passes to `python -c`: it executes one
 * notebook with Jupyter's `nbclient` on the kernel named in its arguments,
 * cell by cell, stopping at the first error, and writes two files: the
 * executed notebook and a JSON result (see {@link NbclientResult}).
 *
 * Its one argument is a JSON object ({@link NbclientArgs}). Time limits: each
 * cell gets `cell_timeout` seconds; with `budget` > 0 the whole notebook
 * (kernel start included) must finish within `budget` seconds, so a cell only
 * gets what is left of it.
 *
 * @module
 */

/** What the script takes (one JSON argument). */
export interface NbclientArgs {
  /** The notebook to run. */
  readonly notebook: string;
  /** Where to write the executed notebook. */
  readonly output: string;
  /** Where to write the {@link NbclientResult}. */
  readonly result: string;
  /** Where to write the kernel's process id once it has started. */
  readonly pid_file: string;
  /** The kernelspec name (found on `JUPYTER_PATH`). */
  readonly kernel: string;
  /** The kernel's working directory. */
  readonly cwd: string;
  /** Seconds each cell may run. */
  readonly cell_timeout: number;
  /** Seconds the whole notebook may take; 0 for no limit. */
  readonly budget: number;
}

/** The failing cell, as the script reports it. */
export interface NbclientFailure {
  /** Index of the cell in the notebook (0-based, markdown cells counted). */
  readonly index: number;
  /** Error name (`Error`, `TypeError` …); `Timeout` or `DeadKernel` for those. */
  readonly ename: string;
  /** Error message. */
  readonly evalue: string;
  /** Traceback lines as the kernel sent them (may hold ANSI colours). */
  readonly traceback: readonly string[];
}

/** What the script writes as its result. */
export interface NbclientResult {
  /** `ok`; `error` (a cell raised); `timeout`; `dead` (kernel died); `crash` (anything else). */
  readonly status: "ok" | "error" | "timeout" | "dead" | "crash";
  /** Code cells run to completion. */
  readonly cells_run: number;
  /** Code cells in the notebook. */
  readonly code_cells: number;
  /** Seconds from kernel start to the end. */
  readonly seconds: number;
  /**
   * The kernel process's peak resident memory in MiB (Linux's `VmHWM`, read
   * just before the kernel shuts down); absent where `/proc` has no such line.
   */
  readonly peak_rss_mb?: number;
  /** The failing cell, for `error`, `timeout` and `dead`. */
  readonly failure?: NbclientFailure;
  /** What went wrong outside any cell (`crash`), or more about a timeout. */
  readonly message?: string;
}

/** The Python source (run as `python -c NBCLIENT_SCRIPT '<args json>'`). */
export const NBCLIENT_SCRIPT: string = String.raw`
import asyncio, json, math, sys, time, traceback
args = json.loads(sys.argv[1])
result = {"status": "ok", "cells_run": 0, "code_cells": 0, "seconds": 0.0}
start = time.monotonic()

def finish(code):
    result["seconds"] = round(time.monotonic() - start, 3)
    with open(args["result"], "w", encoding="utf-8") as f:
        json.dump(result, f)
    sys.exit(code)

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError, DeadKernelError
    from nbclient.util import ensure_async
except Exception as e:
    result.update(status="crash", message="cannot import nbclient: %s" % e)
    finish(3)

nb = nbformat.read(args["notebook"], as_version=4)
cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
result["code_cells"] = len(cells)
reply = {}
current = {"index": -1}

def on_cell_error(cell, cell_index, execute_reply):
    reply.update(execute_reply["content"])

class Client(NotebookClient):
    """Keeps outputs that arrive after their cell's "idle" (the Deno kernel
    can send idle first): they go to the cell that sent them."""

    owners = {}

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self.owners[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            else:
                self.late(msg)

    def late(self, msg):
        owner = self.owners.get(msg["parent_header"].get("msg_id"))
        if owner and msg["msg_type"] not in ("status", "execute_input"):
            try:
                self.process_message(msg, owner[0], owner[1])
            except CellExecutionComplete:
                pass

    async def drain(self, quiet):
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=quiet))
            except Exception:
                return
            self.late(msg)

budget = float(args["budget"])
client = Client(
    nb,
    kernel_name=args["kernel"],
    timeout=int(args["cell_timeout"]),
    startup_timeout=int(min(60, budget)) if budget > 0 else 60,
    record_timing=False,
    resources={"metadata": {"path": args["cwd"]}},
    on_cell_error=on_cell_error,
)

def fail(status, ename, evalue, tb=()):
    result["status"] = status
    result["failure"] = {"index": current["index"], "ename": ename, "evalue": evalue, "traceback": list(tb)}

def peak_rss(pid):
    """The kernel's peak resident memory (Linux only), before it shuts down."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    result["peak_rss_mb"] = round(int(line.split()[1]) / 1024, 1)
    except Exception:
        pass

async def run():
    async with client.async_setup_kernel():
        try:
            with open(args["pid_file"], "w") as f:
                f.write(str(client.km.provisioner.pid))
        except Exception:
            pass
        info = await client.async_wait_for_reply(await ensure_async(client.kc.kernel_info()))
        if info is not None and "language_info" in info["content"]:
            nb.metadata["language_info"] = info["content"]["language_info"]
        try:
            for index in cells:
                current["index"] = index
                if budget > 0:
                    left = budget - (time.monotonic() - start)
                    if left <= 0:
                        raise CellTimeoutError("notebook time budget of %g s used up" % budget)
                    client.timeout = max(1, min(int(args["cell_timeout"]), math.ceil(left)))
                await client.async_execute_cell(
                    nb.cells[index], index, execution_count=client.code_cells_executed + 1
                )
                result["cells_run"] += 1
        finally:
            await client.drain(0.5)  # outputs that came after the last cell's "idle"
            peak_rss(client.km.provisioner.pid)

code = 0
try:
    asyncio.run(run())
except CellExecutionError as e:
    fail("error", reply.get("ename") or e.ename, reply.get("evalue") or e.evalue,
         reply.get("traceback") or [])
    code = 1
except CellTimeoutError as e:
    limit = client.timeout
    fail("timeout", "Timeout", "cell did not finish within %s s" % limit)
    if budget > 0 and time.monotonic() - start >= budget - 1:
        result["message"] = "notebook time budget of %g s used up" % budget
    code = 1
except DeadKernelError as e:
    fail("dead", "DeadKernel", "the kernel died while this cell ran")
    code = 1
except Exception as e:
    traceback.print_exc()
    where = "before the first cell (starting the kernel)" if current["index"] < 0 else "in a cell"
    result["status"] = "crash"
    result["message"] = "the runner failed %s: %s: %s" % (where, type(e).__name__, e)
    if current["index"] >= 0:
        fail("crash", type(e).__name__, str(e))
    code = 1
try:
    nbformat.write(nb, args["output"])
except Exception as e:
    result["message"] = (result.get("message") or "") + "cannot write executed notebook: %s" % e
finish(code)
`;

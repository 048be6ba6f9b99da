/**
 * README cannot drift: every command in its ```sh blocks runs, in order, in a
 * fresh copy of the project with the offline mirror, each cut to a tiny
 * budget (see tests/_helpers/readme_commands.ts), and must exit 0.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { readmeCommands, shLines, tinyCommand } from "../_helpers/readme_commands.ts";
import { ROOT, SHARED_DATA } from "../_helpers/paths.ts";

/** The project's files (tracked, and untracked but not ignored) copied to a new directory. */
async function freshCopy(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_readme_" });
  const list = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  const files = new TextDecoder().decode(list.stdout).split("\0").filter((f) => f);
  for (const f of files) {
    const from = join(ROOT, f);
    if (!(await Deno.stat(from).then((s) => s.isFile, () => false))) continue;
    await Deno.mkdir(dirname(join(dir, f)), { recursive: true });
    await Deno.copyFile(from, join(dir, f));
  }
  // the npm packages are installed once (README's `deno install`); share them
  await Deno.symlink(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

Deno.test("README's command blocks parse into runnable tiny commands", () => {
  const readme = "```sh\ndeno task train:gpt --out a \\\n  --resume   # go on\n# note\n```\n";
  assert.deepEqual(shLines(readme), ["deno task train:gpt --out a --resume"]);
  const c = tinyCommand("deno task chat --checkpoint data/checkpoints/my_book");
  assert.equal(c.run?.stdin, "hello\n/quit\n");
  assert.deepEqual(tinyCommand('deno task generate --prompt "ROMEO:" --length 300').run?.args, [
    "--prompt",
    "ROMEO:",
    "--length",
    "5",
  ]);
  assert.ok(tinyCommand("deno task data tinystories").skip);
});

Deno.test({
  name: "every README command runs as written, in order, in a fresh copy (tiny budgets)",
  sanitizeResources: false,
  fn: async (t) => {
    const commands = readmeCommands(await Deno.readTextFile(join(ROOT, "README.md")));
    const runs = commands.filter((c) => c.run);
    assert.ok(runs.length >= 20, `only ${runs.length} README commands to run`);
    const dir = await freshCopy();
    try {
      // README's "your own text" examples train on my_book.txt: any UTF-8 file
      const shakespeare = await Deno.readTextFile(`${SHARED_DATA}/tinyshakespeare/input.txt`);
      await Deno.writeTextFile(join(dir, "my_book.txt"), shakespeare.slice(0, 200_000));
      let failed: string | undefined;
      for (const c of runs) {
        // one step per command: the report shows each one's time, and the first failure
        await t.step({
          name: c.line,
          ignore: failed !== undefined, // later commands depend on earlier ones
          fn: async () => {
            const { task, args, stdin } = c.run!;
            const child = new Deno.Command(Deno.execPath(), {
              args: ["task", "-q", task, ...args],
              cwd: dir,
              env: { LMFS_DATA_MIRROR: SHARED_DATA, NO_COLOR: "1", INIT_CWD: dir },
              stdin: stdin === undefined ? "null" : "piped",
              stdout: "piped",
              stderr: "piped",
            }).spawn();
            if (stdin !== undefined) {
              const w = child.stdin.getWriter();
              await w.write(new TextEncoder().encode(stdin));
              await w.close();
            }
            const timer = setTimeout(() => child.kill("SIGKILL"), 300_000); // only stops a hung child
            const out = await child.output();
            clearTimeout(timer);
            const stderr = new TextDecoder().decode(out.stderr);
            if (out.code !== 0) failed = c.line;
            assert.equal(
              out.code,
              0,
              `README: ${c.line}\n(ran: deno task ${task} ${args.join(" ")})\n${
                stderr.slice(-2000)
              }`,
            );
          },
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

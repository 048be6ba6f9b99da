/** Paths shared by tests: the offline dataset copies in ../shared/data. */
import { fileURLToPath } from "node:url";

/** The shared offline datasets, laid out `<dataset>/<file>` like a mirror. */
export const SHARED_DATA: string = fileURLToPath(new URL("../../../shared/data", import.meta.url));

/** The project root. */
export const ROOT: string = fileURLToPath(new URL("../..", import.meta.url));

/** Reads a shared dataset file as text. */
export function sharedText(relative: string): Promise<string> {
  return Deno.readTextFile(`${SHARED_DATA}/${relative}`);
}

import assert from "node:assert/strict";
import { loadPlotFonts } from "../../lib/plot/assets.ts";
import { parseFontMetrics } from "../../lib/plot/font_metrics.ts";

Deno.test("parseFontMetrics() reads DejaVu Sans advance widths", async () => {
  const fonts = await loadPlotFonts();
  const regular = parseFontMetrics(fonts.regular);
  const bold = parseFontMetrics(fonts.bold);
  // DejaVu Sans: digits are 1303/2048 em, space 651/2048 em.
  assert.equal(regular.widthEm("0"), 1303 / 2048);
  assert.equal(regular.widthEm(" "), 651 / 2048);
  assert.equal(regular.widthEm("0123456789"), (10 * 1303) / 2048);
  assert.ok(bold.widthEm("loss") > regular.widthEm("loss"));
  assert.equal(regular.widthEm(""), 0);
});

Deno.test("the plot font has every symbol displayToken() uses", async () => {
  const fonts = await loadPlotFonts();
  for (const face of [fonts.regular, fonts.bold]) {
    const metrics = parseFontMetrics(face);
    for (const ch of "␣⏎⇥⍽∅…") assert.ok(metrics.hasGlyph(ch.codePointAt(0)!), ch);
  }
});

Deno.test("parseFontMetrics() refuses a file that is not a TrueType font", () => {
  assert.throws(
    () => parseFontMetrics(new TextEncoder().encode("wOF2....")),
    /not a TrueType font/,
  );
});

/**
 * Seeded random Unicode text for property tests: the awkward cases of real
 * text (astral emoji, combining marks, ZWJ sequences, CRLF, runs of spaces,
 * special-token strings) mixed with ASCII.
 *
 * @module
 */

/** mulberry32: a tiny, fast, seeded PRNG returning numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hand-picked pieces of text that tokenizers tend to get wrong. */
const PIECES: readonly string[] = [
  "the",
  " the",
  "The",
  " quick",
  "brown",
  " fox",
  "'s",
  "'ll",
  "'re",
  " don't",
  "I'm",
  "0",
  "42",
  " 2024",
  "3.14",
  ",",
  ".",
  "!",
  "?",
  "...",
  " --",
  "(",
  ")",
  '"',
  "#",
  "@",
  "$",
  " ",
  "  ",
  "   ",
  "\t",
  "\n",
  "\n\n",
  "\r\n",
  " \n",
  "\u00a0",
  "\u2028",
  "\u3000",
  "é",
  "ñ",
  "ß",
  "ÿ",
  "Æ",
  "Ġ",
  "Ċ",
  "©",
  "½",
  "\u00ad",
  "€",
  "—",
  "“",
  "”",
  "日本語",
  "中文",
  "한국어",
  "Ελληνικά",
  "русский",
  "עברית",
  "العربية",
  "हिन्दी",
  "🙂",
  "👍🏽",
  "🇺🇳",
  "👨‍👩‍👧",
  "🏳️‍🌈",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "\u{10ffff}",
  "\u{1f600}",
  "e\u0301",
  "a\u0308\u0323",
  "\u0301",
  "\u200d",
  "\ufeff",
  "\u0000",
  "\u007f",
  "\ufffd",
  "<|endoftext|>",
  "<|",
  "|>",
  "endoftext",
];

/** A random code point from all of Unicode, surrogates excluded. */
function randomCodePoint(rand: () => number): string {
  const ranges: Array<[number, number]> = [
    [0x20, 0x7e],
    [0x00, 0x1f],
    [0xa0, 0x24f],
    [0x300, 0x36f],
    [0x4e00, 0x9fff],
    [0xe000, 0xfffd],
    [0x10000, 0x10ffff],
  ];
  const [lo, hi] = ranges[Math.floor(rand() * ranges.length)];
  return String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)));
}

/** One random well-formed string of 0 to ~40 pieces. */
export function randomText(rand: () => number): string {
  let text = "";
  const n = Math.floor(rand() * 40);
  for (let i = 0; i < n; i++) {
    text += rand() < 0.7 ? PIECES[Math.floor(rand() * PIECES.length)] : randomCodePoint(rand);
  }
  return text;
}

/** `count` random well-formed strings from a fixed seed. */
export function randomTexts(count: number, seed = 1234): string[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () => randomText(rand));
}

/** Strings with lone surrogates, which have no UTF-8 form. */
export const LONE_SURROGATES: readonly string[] = [
  "\ud800",
  "a\udc00b",
  "🙂\ud83d",
  "\udfff🙂 x",
  "end \ud83d",
  "\ud83d\ud83d\ude00",
];

/**
 * Colours for the command line: `node:util` `styleText` where the runtime has it (Node >= 20.12),
 * else the few ANSI codes the CLI uses. Whether to colour at all is decided once, by the caller
 * ({@link colorEnabled}): never when `--no-color`, `NO_COLOR`, `TERM=dumb` or the stream is not a
 * terminal; `FORCE_COLOR` (not `0`) turns it on anywhere.
 *
 * @module
 */

import * as util from "node:util";

/** The styles the CLI uses. */
export type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan" | "magenta" | "gray";

const ANSI: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  gray: [90, 39],
};

type StyleText = (format: string, text: string, options?: { validateStream?: boolean }) => string;
/** `util.styleText` when present (Node >= 20.12); read through the namespace so older Node loads this. */
const styleText = (util as { styleText?: StyleText }).styleText;

/** Colours `text` with ANSI codes of our own (the fallback, and what tests compare against). */
export function ansi(style: Style, text: string): string {
  const [open, close] = ANSI[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** A function that styles text, or leaves it as it is when colour is off. */
export type Paint = (style: Style, text: string) => string;

/** Paint with colour off. */
export const plain: Paint = (_style, text) => text;

/** Paint with colour on: `styleText` when the runtime has it, else {@link ansi}. */
export const colored: Paint = (style, text) => {
  if (text === "") return text;
  if (styleText) {
    try {
      // validateStream: false, since the decision to colour was already made (Node >= 22.13
      // would otherwise look at process.stdout again); older versions ignore the option.
      return styleText(style, text, { validateStream: false });
    } catch {
      return ansi(style, text);
    }
  }
  return ansi(style, text);
};

/** True when `styleText` comes from the runtime (false: the ANSI fallback is used). */
export const hasStyleText = typeof styleText === "function";

/** Whether to colour output written to a stream. */
export function colorEnabled(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
  noColorFlag: boolean,
): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

/** Removes ANSI escape sequences (for measuring widths and for tests). */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
}

/** The width a string takes on a terminal (ANSI codes removed; one column per code point). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of stripAnsi(text)) {
    const code = char.codePointAt(0) ?? 0;
    // Combining marks take no column; CJK and emoji blocks take two.
    if (code >= 0x300 && code < 0x370) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

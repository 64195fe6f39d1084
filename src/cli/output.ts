/**
 * Output of the command line: the four formats (`json`, `ndjson`, `table`, `raw`), tables, and
 * the line writers for stdout (results) and stderr (notes, warnings, progress).
 *
 * Results go to stdout in the chosen format; everything meant for a person (progress, notes,
 * warnings) goes to stderr, so that `asyncaws dump q | jq` and `asyncaws queues -o json > f` stay
 * machine-readable. `--quiet` silences the notes, never the results or the errors.
 *
 * @module
 */

import { displayWidth, type Paint, plain } from "./style.js";

/** The output formats. */
export type Format = "json" | "ndjson" | "table" | "raw";
export const FORMATS: readonly Format[] = ["json", "ndjson", "table", "raw"];

/** A column of a table. */
export interface Column<T> {
  /** The header. */
  title: string;
  /** The cell's text. */
  value: (row: T) => string;
  /** Right-aligned (numbers). @default false */
  right?: boolean;
  /** Style of the cell. */
  style?: (row: T, text: string, paint: Paint) => string;
  /** The widest the cell may be; longer text is cut with an ellipsis. */
  max?: number;
}

/** Cuts `text` to `width` columns, with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = "";
  for (const char of text) {
    if (displayWidth(out + char) > width - 1) break;
    out += char;
  }
  return `${out}…`;
}

/** Renders rows as an aligned table with a header line (no trailing newline). */
export function renderTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  paint: Paint = plain,
): string {
  const cells = rows.map((row) =>
    columns.map((column) => {
      const text = column.value(row).replace(/[\r\n\t]+/g, " ");
      return column.max ? truncate(text, column.max) : text;
    }),
  );
  const widths = columns.map((column, i) =>
    Math.max(displayWidth(column.title), ...cells.map((line) => displayWidth(line[i] ?? ""))),
  );
  const pad = (text: string, i: number, right: boolean | undefined) => {
    const gap = " ".repeat(Math.max(0, widths[i]! - displayWidth(text)));
    return right ? gap + text : text + gap;
  };
  const last = columns.length - 1;
  const header = columns
    .map((column, i) =>
      paint("bold", i === last && !column.right ? column.title : pad(column.title, i, column.right)),
    )
    .join("  ");
  const lines = cells.map((line, r) =>
    line
      .map((text, i) => {
        const column = columns[i]!;
        const padded = i === last && !column.right ? text : pad(text, i, column.right);
        return column.style ? column.style(rows[r]!, padded, paint) : padded;
      })
      .join("  ")
      .trimEnd(),
  );
  return [header.trimEnd(), ...lines].join("\n");
}

/** Something to write lines to: a stream, or a test's buffer. */
export interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Where a command writes: results to `out` in `format`, notes to `err`. */
export class Output {
  readonly format: Format;
  readonly quiet: boolean;
  /** Styles text for stdout (plain when stdout is not a terminal or colour is off). */
  readonly paint: Paint;
  /** Styles text for stderr. */
  readonly paintErr: Paint;
  readonly out: Sink;
  readonly err: Sink;

  constructor(options: {
    format: Format;
    quiet: boolean;
    paint: Paint;
    paintErr: Paint;
    out: Sink;
    err: Sink;
  }) {
    this.format = options.format;
    this.quiet = options.quiet;
    this.paint = options.paint;
    this.paintErr = options.paintErr;
    this.out = options.out;
    this.err = options.err;
  }

  /** Writes a line (or lines) to stdout. */
  line(text = ""): void {
    this.out.write(`${text}\n`);
  }

  /** A note for a person on stderr (silenced by --quiet). */
  note(text: string): void {
    if (!this.quiet) this.err.write(`${text}\n`);
  }

  /** A warning on stderr (silenced by --quiet). */
  warn(text: string): void {
    if (!this.quiet) this.err.write(`${this.paintErr("yellow", "warning:")} ${text}\n`);
  }

  /** An error line on stderr (never silenced). */
  error(text: string): void {
    this.err.write(`${this.paintErr("red", "error:")} ${text}\n`);
  }

  /** Writes a list of records in the chosen format. */
  records<T extends object>(
    rows: readonly T[],
    columns: readonly Column<T>[],
    raw?: (row: T) => string,
  ): void {
    switch (this.format) {
      case "json":
        this.line(JSON.stringify(rows, jsonReplacer, 2));
        return;
      case "ndjson":
        for (const row of rows) this.line(JSON.stringify(row, jsonReplacer));
        return;
      case "raw":
        for (const row of rows)
          this.line(raw ? raw(row) : columns.map((column) => column.value(row)).join("\t"));
        return;
      case "table":
        if (rows.length === 0) this.note(this.paintErr("dim", "(none)"));
        else this.line(renderTable(rows, columns, this.paint));
    }
  }

  /** Writes one result object: JSON in json/ndjson, `key  value` lines in a table, `raw(value)` in raw. */
  result(value: object, raw?: (value: object) => string): void {
    switch (this.format) {
      case "json":
        this.line(JSON.stringify(value, jsonReplacer, 2));
        return;
      case "ndjson":
        this.line(JSON.stringify(value, jsonReplacer));
        return;
      case "raw":
        this.line(raw ? raw(value) : Object.values(value).map(String).join("\t"));
        return;
      case "table": {
        const entries = Object.entries(value).filter(([, v]) => v !== undefined);
        const width = Math.max(0, ...entries.map(([k]) => k.length));
        for (const [key, v] of entries)
          this.line(
            `${this.paint("dim", key.padEnd(width))}  ${typeof v === "object" ? JSON.stringify(v, jsonReplacer) : String(v)}`,
          );
      }
    }
  }
}

/** JSON.stringify replacer: bytes as base64 (as the AWS JSON protocol writes them). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  return value;
}

/**
 * Writes a stream of records in the chosen format: in `json` a JSON array opened at the first
 * record and closed by `end()` (so an interrupted stream still ends as valid JSON when `end()` runs).
 */
export class RecordStream<T extends object> {
  readonly #output: Output;
  readonly #pretty: (row: T) => string;
  readonly #raw: (row: T) => string;
  #count = 0;
  #ended = false;

  constructor(output: Output, pretty: (row: T) => string, raw: (row: T) => string) {
    this.#output = output;
    this.#pretty = pretty;
    this.#raw = raw;
  }

  /** How many records were written. */
  get count(): number {
    return this.#count;
  }

  write(row: T): void {
    const output = this.#output;
    switch (output.format) {
      case "json":
        output.out.write(
          `${this.#count === 0 ? "[\n" : ",\n"}${indent(JSON.stringify(row, jsonReplacer, 2))}`,
        );
        break;
      case "ndjson":
        output.line(JSON.stringify(row, jsonReplacer));
        break;
      case "raw":
        output.line(this.#raw(row));
        break;
      case "table":
        output.line(this.#pretty(row));
    }
    this.#count++;
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#output.format === "json") this.#output.line(this.#count === 0 ? "[]" : "\n]");
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}

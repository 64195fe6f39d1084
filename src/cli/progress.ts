/**
 * A progress line on a terminal: `renderProgress` makes the text (tested alone), `Progress` draws
 * it on stderr at most ten times a second and clears it at the end. Nothing is drawn when stderr is
 * not a terminal.
 *
 * @module
 */

import { type Paint, plain } from "./style.js";

/** What a progress line shows. */
export interface ProgressState {
  /** A short label: "sending", "moving". */
  label: string;
  /** Units done. */
  done: number;
  /** Units in all, when known (else a count and a rate are shown without a bar). */
  total?: number | undefined;
  /** Units that failed. */
  failed?: number;
  /** Units per second. */
  rate?: number | undefined;
  /** The unit's name, plural: "messages". */
  unit?: string;
  /** The bar's fraction when it differs from done/total (bytes read of a file, say). */
  fraction?: number | undefined;
}

/** One line of progress, at most `width` columns wide. */
export function renderProgress(state: ProgressState, width = 80, paint: Paint = plain): string {
  const unit = state.unit ?? "messages";
  const count = state.total !== undefined ? `${state.done}/${state.total} ${unit}` : `${state.done} ${unit}`;
  const rate =
    state.rate !== undefined && Number.isFinite(state.rate) ? ` · ${formatRate(state.rate)}/s` : "";
  const failed = state.failed ? ` · ${paint("red", `${state.failed} failed`)}` : "";
  const fraction =
    state.fraction ?? (state.total !== undefined && state.total > 0 ? state.done / state.total : undefined);
  const text = `${count}${rate}${failed}`;
  if (fraction === undefined) return `${state.label} ${text}`;
  const clamped = Math.min(1, Math.max(0, fraction));
  const percent = `${Math.floor(clamped * 100)
    .toString()
    .padStart(3)}%`;
  const plainText = `${state.label} ${percent}  ${count}${rate}${state.failed ? ` · ${state.failed} failed` : ""}`;
  const barWidth = Math.max(10, Math.min(40, width - plainText.length - 4));
  const filled = Math.round(clamped * barWidth);
  const bar = `${paint("green", "█".repeat(filled))}${paint("dim", "░".repeat(barWidth - filled))}`;
  return `${state.label} ${bar} ${percent}  ${text}`;
}

/** 1234.5 -> "1,235"; 12.34 -> "12.3". */
export function formatRate(rate: number): string {
  if (rate >= 100) return Math.round(rate).toLocaleString("en-US");
  return rate.toFixed(1);
}

/** A stream a progress line can be drawn on. */
export interface TerminalLike {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A progress line drawn on a terminal, replaced in place; does nothing when `enabled` is false. */
export class Progress {
  readonly #stream: TerminalLike;
  readonly #enabled: boolean;
  readonly #paint: Paint;
  readonly #started = performance.now();
  #state: ProgressState;
  #lastDraw = 0;
  #drawn = false;

  constructor(stream: TerminalLike, enabled: boolean, state: ProgressState, paint: Paint = plain) {
    this.#stream = stream;
    this.#enabled = enabled;
    this.#state = state;
    this.#paint = paint;
  }

  /** Updates the numbers; redraws when 100 ms have passed since the last draw (or `force`). */
  update(change: Partial<ProgressState>, force = false): void {
    this.#state = { ...this.#state, ...change };
    if (!this.#enabled) return;
    const now = performance.now();
    if (!force && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const seconds = (now - this.#started) / 1000;
    const rate = change.rate ?? (seconds > 0.2 ? this.#state.done / seconds : undefined);
    const line = renderProgress({ ...this.#state, rate }, (this.#stream.columns || 80) - 1, this.#paint);
    this.#stream.write(`\r\u001b[2K${line}`);
    this.#drawn = true;
  }

  /** Removes the line (the final numbers are the command's to print). */
  clear(): void {
    if (this.#drawn) this.#stream.write("\r\u001b[2K");
    this.#drawn = false;
  }

  /** Seconds since the start. */
  get seconds(): number {
    return (performance.now() - this.#started) / 1000;
  }
}

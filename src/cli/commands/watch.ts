import { type Command, int, num } from "../args.js";
import type { Context } from "../context.js";
import { renderTable } from "../output.js";
import { listQueueUrls, pool, type QueueInfo, queueInfo } from "../queues.js";
import { type Paint, plain } from "../style.js";
import { linkSources } from "./queues.js";

/** One queue's row in `watch`: its counts, their changes per second, and a history of visible counts. */
export interface WatchRow extends QueueInfo {
  /** Change of the visible count per second since the last refresh. */
  visibleRate?: number;
  /** Change of the in-flight count per second since the last refresh. */
  inFlightRate?: number;
  /** Visible counts of the last refreshes, oldest first. */
  history: number[];
}

const BARS = "▁▂▃▄▅▆▇█";

/** A sparkline of `values` (scaled to their maximum), `width` characters at most. */
export function sparkline(values: readonly number[], width = 20): string {
  const shown = values.slice(-width);
  const max = Math.max(...shown, 0);
  return shown.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(7, Math.round((v / max) * 7))])).join("");
}

function signed(rate: number | undefined): string {
  if (rate === undefined) return "";
  const text = Math.abs(rate) >= 10 ? Math.round(rate).toString() : rate.toFixed(1);
  return rate > 0 ? `+${text}` : text === "0.0" || text === "-0.0" ? "0" : text;
}

/** The whole `watch` screen as text: a title line, the table, a help line. */
export function renderWatch(
  rows: readonly WatchRow[],
  options: { time: Date; interval: number; width?: number; paint?: Paint; error?: string },
): string {
  const paint = options.paint ?? plain;
  const rateStyle = (text: string, p: Paint, rate: number | undefined) =>
    rate === undefined || rate === 0 ? text : p(rate > 0 ? "yellow" : "green", text);
  const table = renderTable(
    rows,
    [
      { title: "QUEUE", value: (q) => q.name, max: 40 },
      { title: "VISIBLE", value: (q) => String(q.visible), right: true },
      {
        title: "Δ/s",
        value: (q) => signed(q.visibleRate),
        right: true,
        style: (q, t, p) => rateStyle(t, p, q.visibleRate),
      },
      { title: "IN FLIGHT", value: (q) => String(q.inFlight), right: true },
      {
        title: "Δ/s",
        value: (q) => signed(q.inFlightRate),
        right: true,
        style: (q, t, p) => rateStyle(t, p, q.inFlightRate),
      },
      { title: "DELAYED", value: (q) => String(q.delayed), right: true },
      {
        title: "DLQ",
        value: (q) =>
          q.deadLetterQueue ? `→ ${q.deadLetterQueue}` : q.sources?.length ? "← " + q.sources.join(",") : "",
        max: 24,
      },
      { title: "VISIBLE, LAST REFRESHES", value: (q) => sparkline(q.history, 24) },
    ],
    paint,
  );
  const clock = options.time.toISOString().slice(11, 19);
  const lines = [
    `${paint("bold", "asyncaws watch")}  ${paint("dim", `${rows.length} queue${rows.length === 1 ? "" : "s"} · every ${options.interval} s · ${clock} UTC`)}`,
    "",
    rows.length ? table : paint("dim", "(no queues)"),
    "",
    options.error ? paint("red", options.error) : paint("dim", "q quits"),
  ];
  const width = options.width;
  return width ? lines.map((line) => cutAnsi(line, width)).join("\n") : lines.join("\n");
}

/** Cuts a line with ANSI codes to `width` visible characters. */
function cutAnsi(line: string, width: number): string {
  let visible = 0;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\u001b") {
      const end = line.indexOf("m", i);
      if (end > 0) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width) continue;
    out += line[i];
    visible++;
  }
  return out;
}

/** Merges a fresh sample into the rows of the last one (rates, history). */
export function nextRows(
  previous: readonly WatchRow[],
  infos: readonly QueueInfo[],
  seconds: number,
  keep = 60,
): WatchRow[] {
  const before = new Map(previous.map((row) => [row.url, row]));
  return infos.map((info) => {
    const last = before.get(info.url);
    const row: WatchRow = { ...info, history: [...(last?.history ?? []), info.visible].slice(-keep) };
    if (last && seconds > 0) {
      row.visibleRate = (info.visible - last.visible) / seconds;
      row.inFlightRate = (info.inFlight - last.inFlight) / seconds;
    }
    return row;
  });
}

/** Waits `ms`, or less when `wake` fires. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

async function sample(context: Context, names: readonly string[]): Promise<QueueInfo[]> {
  const urls = names.length
    ? await Promise.all(names.map((name) => context.sqs.queue(name).url({ signal: context.signal })))
    : await listQueueUrls(context.sqs, undefined, context.signal);
  const infos = await pool(urls, 8, (url) => queueInfo(context.sqs, url, context.signal));
  if (!names.length) infos.sort((a, b) => a.name.localeCompare(b.name));
  linkSources(infos);
  await context.oldestAges.fill(infos, context.signal);
  return infos;
}

export const watch: Command = {
  name: "watch",
  summary: "a live table of queue counts and their rates (q quits)",
  usage: "watch [queues...] [--interval S] [options]",
  description: [
    "Shows the queues' visible, in-flight and delayed counts, refreshed every --interval seconds,",
    "with how fast each count changes and a line of the visible count over the last refreshes.",
    "All queues when none is named. On a terminal it takes the whole screen until q (or Ctrl-C);",
    "piped, it writes one JSON line per queue per refresh (--count stops after N refreshes).",
  ].join("\n"),
  options: {
    interval: { type: "string", short: "i", value: "seconds", help: "seconds between refreshes (default 2)" },
    count: { type: "string", short: "c", value: "N", help: "stop after N refreshes" },
  },
  positionals: [0, Number.POSITIVE_INFINITY],
  examples: ["asyncaws watch", "asyncaws watch orders orders-dlq -i 5"],
  async run(context, { values, positionals }) {
    const interval = num(values, "interval", 2, { min: 0.2, max: 3600 }, watch);
    const count = int(values, "count", Number.MAX_SAFE_INTEGER, { min: 1 }, watch);
    const out = context.io.stdout;
    const screen = out.isTTY === true && context.output.format === "table";
    const stop = new AbortController();
    context.signal.addEventListener("abort", () => stop.abort(), { once: true });
    const stdin = context.io.stdin;
    const onKey = (data: Buffer | string) => {
      const key = data.toString();
      if (key === "q" || key === "Q" || key === "\u0003" || key === "\u001b") stop.abort();
    };
    if (screen) {
      out.write("\u001b[?1049h\u001b[?25l");
      if (stdin.isTTY && stdin.setRawMode) {
        stdin.setRawMode(true);
        stdin.on("data", onKey);
        stdin.resume();
      }
    }
    let rows: WatchRow[] = [];
    let last = performance.now();
    try {
      for (let i = 0; i < count && !stop.signal.aborted; i++) {
        let error: string | undefined;
        try {
          const infos = await sample(context, positionals);
          const now = performance.now();
          rows = nextRows(rows, infos, (now - last) / 1000);
          last = now;
        } catch (caught) {
          if (stop.signal.aborted) break;
          if (!screen) throw caught;
          error = caught instanceof Error ? caught.message : String(caught);
        }
        if (screen) {
          const text = renderWatch(rows, {
            time: new Date(),
            interval,
            width: out.columns || 100,
            paint: context.output.paint,
            ...(error ? { error } : {}),
          });
          out.write(`\u001b[H\u001b[2J${text}\n`);
        } else {
          const time = new Date().toISOString();
          for (const row of rows) {
            const { history: _, ...rest } = row;
            context.output.line(JSON.stringify({ time, ...rest }));
          }
        }
        if (i + 1 < count) await pause(interval * 1000, stop.signal);
      }
    } finally {
      if (screen) {
        if (stdin.isTTY && stdin.setRawMode) {
          stdin.off("data", onKey);
          stdin.setRawMode(false);
          stdin.pause();
        }
        out.write("\u001b[?25h\u001b[?1049l");
      }
    }
    return 0;
  },
};

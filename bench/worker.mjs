// One client under test, in a process of its own (pinned to the client core by run.mjs), driven
// over IPC:
//   { type: "setup", client, op, concurrency, port, tag, warmupMs, warmupCalls } -> { type: "ready" }
//   { type: "run", ms }                                              -> { type: "result", ... }
//   { type: "memory", calls }  (20,000 calls then a full GC)         -> { type: "memory", ... }
//   { type: "profile", ms, path }  (a timed run under the CPU profiler) -> { type: "result", ... }
//   { type: "exit" }
// CPU is the process's own user+system time (process.cpuUsage(): every thread of it) over the
// timed window; calls/s is completed, checked calls over the window's wall time.

import { SCENARIOS } from "./batch-clients.mjs";
import { CLIENTS } from "./clients.mjs";

let call;
/** A stream scenario (batch-clients.mjs): `run(ms)` resolves with the messages it handled. */
let stream;
/** Messages per call (batch scenarios; 1 for the per-call clients). */
let perCall = 1;
let concurrency = 1;
let total = 0;

/** Runs `call` from `concurrency` loops until `ms` have passed; in-flight calls finish. */
async function runFor(ms) {
  if (stream) return runStream(ms);
  let calls = 0;
  let error;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + ms;
  const loop = async () => {
    while (error === undefined && performance.now() < end) {
      try {
        await call();
        calls++;
      } catch (e) {
        error ??= e;
      }
    }
  };
  const loops = [];
  for (let i = 0; i < concurrency; i++) loops.push(loop());
  await Promise.all(loops);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  total += calls * perCall;
  return {
    calls,
    messages: calls * perCall,
    wallMs,
    cpuUs: cpu.user + cpu.system,
    userUs: cpu.user,
    systemUs: cpu.system,
    error: error === undefined ? undefined : String(error?.stack ?? error).slice(0, 800),
  };
}

/** Runs the stream scenario for about `ms` (CPU and wall include its start and its stop). */
async function runStream(ms) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let messages = 0;
  let error;
  try {
    messages = await stream.run(ms);
  } catch (e) {
    error = e;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  total += messages;
  return {
    calls: messages,
    messages,
    wallMs,
    cpuUs: cpu.user + cpu.system,
    userUs: cpu.user,
    systemUs: cpu.system,
    error: error === undefined ? undefined : String(error?.stack ?? error).slice(0, 800),
  };
}

/** Runs exactly `n` calls at the configured concurrency. */
async function runCount(n) {
  let started = 0;
  let error;
  const loop = async () => {
    while (error === undefined && started < n) {
      started++;
      try {
        await call();
        total += perCall;
      } catch (e) {
        error ??= e;
      }
    }
  };
  const loops = [];
  for (let i = 0; i < concurrency; i++) loops.push(loop());
  await Promise.all(loops);
  return error;
}

process.on("message", async (message) => {
  try {
    if (message.type === "setup") {
      const t0 = performance.now();
      const entry = message.scenario ? SCENARIOS[message.scenario] : CLIENTS[message.client];
      const made = await entry.setup({ port: message.port, tag: message.tag, op: message.op });
      if (typeof made === "function") call = made;
      else if (made?.run) stream = made;
      else if (made?.call) {
        call = made.call;
        perCall = made.messages ?? 1;
      }
      if (!call && !stream) {
        process.send({ type: "ready", unsupported: true });
        return;
      }
      concurrency = message.concurrency;
      const setupMs = performance.now() - t0;
      // One call first: a client that cannot complete one is reported, not timed.
      if (stream) total += await stream.run(50);
      else {
        await call();
        total += perCall;
      }
      const rssAfterFirst = process.memoryUsage().rss;
      // Warm-up: at least warmupMs and at least warmupCalls calls (the JIT tiers up by counts, and
      // a slow client needs more time for the same count), at most 30 s.
      const warm = await runFor(message.warmupMs);
      let warmCalls = warm.calls;
      const deadline = performance.now() + 30_000;
      while (!warm.error && warmCalls < (message.warmupCalls ?? 0) && performance.now() < deadline) {
        const more = await runFor(250);
        if (more.error) warm.error = more.error;
        warmCalls += more.calls;
      }
      process.send({ type: "ready", setupMs, rssAfterFirst, warmCalls, error: warm.error });
    } else if (message.type === "run") {
      process.send({ type: "result", ...(await runFor(message.ms)) });
    } else if (message.type === "memory") {
      globalThis.gc?.();
      const before = process.memoryUsage();
      const error = await runCount(message.calls);
      globalThis.gc?.();
      const after = process.memoryUsage();
      process.send({
        type: "memory",
        heapBefore: before.heapUsed,
        heapAfter: after.heapUsed,
        rssAfter: after.rss,
        gcExposed: typeof globalThis.gc === "function",
        error: error === undefined ? undefined : String(error?.stack ?? error).slice(0, 800),
      });
    } else if (message.type === "profile") {
      // The V8 CPU profiler (what `node --cpu-prof` runs), over the timed window only.
      const { Session } = await import("node:inspector");
      const { writeFileSync } = await import("node:fs");
      const session = new Session();
      session.connect();
      const post = (method, params) =>
        new Promise((resolve, reject) =>
          session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))),
        );
      await post("Profiler.enable");
      await post("Profiler.setSamplingInterval", { interval: message.intervalUs ?? 100 });
      await post("Profiler.start");
      const result = await runFor(message.ms);
      const { profile } = await post("Profiler.stop");
      session.disconnect();
      writeFileSync(message.path, JSON.stringify(profile));
      process.send({ type: "result", ...result });
    } else if (message.type === "total") {
      process.send({ type: "total", total });
    } else if (message.type === "exit") {
      process.exit(0);
    }
  } catch (error) {
    process.send({ type: "error", error: String(error?.stack ?? error).slice(0, 800) });
  }
});
process.on("disconnect", () => process.exit(0));

// Memory reference: an ES module that only reports its resident set size.
process.stdout.write(
  `${JSON.stringify({ ok: true, cpuUs: cpuOf(process.cpuUsage()), rss: process.memoryUsage().rss })}\n`,
);

function cpuOf(usage) {
  // The whole process's CPU so far (every thread), user + system, in microseconds.
  return usage.user + usage.system;
}

// Runs the smoke suite in this process: Node 20 and 24, Bun and Deno all start this same file.
// Arguments: <URL of dist/index.js> <URL of the compiled smoke.js> <endpoint> <access key id>.
// The results go to stdout as one line, after RESULT_MARKER; the progress goes to stderr.
const RESULT_MARKER = "@@smoke-results@@ ";

const args = typeof process === "object" && Array.isArray(process.argv) ? process.argv.slice(2) : Deno.args;
const [libUrl, smokeUrl, endpoint, accessKeyId] = args;
const lib = await import(libUrl);
const { runSmoke } = await import(smokeUrl);
const results = await runSmoke({
  lib,
  endpoint,
  accessKeyId,
  defaultCredentials: "shared-file",
  log: (line) => console.error(line),
});
console.log(RESULT_MARKER + JSON.stringify(results));
// No process.exit(): the driver checks that the process ends by itself (no handle left open).

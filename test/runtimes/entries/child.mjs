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
results.push(await entriesShareCore());
console.log(RESULT_MARKER + JSON.stringify(results));

// The node build (scripts/build.mjs) bundles the entry points around one shared core.js: a class,
// a symbol or a cache must exist once whichever entry points a program imports, and the lean
// `asyncaws/sqs/client` entry must work with clients made by the others.
async function entriesShareCore() {
  const started = performance.now();
  const check = { name: "build.entriesShareCore", status: "pass" };
  try {
    const lean = await import(new URL("./sqs/client.js", libUrl).href);
    const sqs = await import(new URL("./sqs/index.js", libUrl).href);
    for (const name of ["SQSClient", "ServiceError", "ValidationError", "sendMessage"]) {
      const fromRoot = name in lib ? lib[name] : sqs[name];
      if (lean[name] === undefined || lean[name] !== fromRoot)
        throw new Error(`${name} differs between entries`);
    }
    if (sqs.SQSClient !== lib.SQSClient || sqs.Queue !== lib.Queue)
      throw new Error("asyncaws/sqs differs from asyncaws");
    const client = new lib.SQSClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId, secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    });
    const { QueueUrl } = await lean.createQueue(client, { QueueName: `entries-${Date.now()}` });
    const sent = await lean.sendMessage(client, { QueueUrl, MessageBody: "from the lean entry" });
    if (typeof sent.MessageId !== "string") throw new Error("no MessageId");
    const error = await lean.sendMessage(client, { QueueUrl, MessageBody: "" }).catch((e) => e);
    if (!(error instanceof lib.ValidationError))
      throw new Error("a ValidationError from the lean entry is not one of asyncaws's");
    await lean.deleteQueue(client, { QueueUrl });
  } catch (error) {
    check.status = "fail";
    check.detail = String(error?.stack ?? error);
  }
  check.ms = performance.now() - started;
  return check;
}
// No process.exit(): the driver checks that the process ends by itself (no handle left open).

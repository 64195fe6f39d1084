// Cold-start probe (bench/cold-profile.mjs): the same work as asyncaws-sqs.mjs, with each phase
// timed inside the process and the heap read after each. Arguments: <port> <body> [phases]
// [entry], where phases may name built-ins to load first (`crypto`, `net`), to measure what they
// cost alone, and entry is the entry point imported (`asyncaws/sqs/client`, the default, with
// SQSClient and sendMessage; `asyncaws` or `asyncaws/sqs`, with the SQS class).
const mainAtMs = performance.now();
const [port, body, preload = "", entry = "asyncaws/sqs/client"] = process.argv.slice(2);
const v8 = process.getBuiltinModule("v8");
const heap = () => {
  const spaces = Object.fromEntries(
    v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]),
  );
  const memory = process.memoryUsage();
  return {
    rss: memory.rss,
    heapTotal: memory.heapTotal,
    young: (spaces.new_space ?? 0) + (spaces.new_large_object_space ?? 0),
  };
};
heap(); // its own first call, out of the phases
const t0 = performance.now();
const marks = { start: { ms: 0, ...heap() } };
const mark = (name) => {
  marks[name] = { ms: performance.now() - t0, ...heap() };
};
for (const name of preload.split(",").filter(Boolean)) process.getBuiltinModule(name);
mark("builtins");
// String literals, so that the entry resolves as a user's import would (the package's exports).
const url =
  entry === "asyncaws"
    ? import.meta.resolve("asyncaws")
    : entry === "asyncaws/sqs"
      ? import.meta.resolve("asyncaws/sqs")
      : import.meta.resolve("asyncaws/sqs/client");
mark("resolved");
const api = await import(url);
mark("imported");
const Client = entry === "asyncaws/sqs/client" ? api.SQSClient : api.SQS;
const sendMessage =
  entry === "asyncaws/sqs/client" ? api.sendMessage : (client, input) => client.sendMessage(input);
const sqs = new Client({
  endpoint: `http://127.0.0.1:${port}`,
  region: "us-east-1",
  credentials: {
    accessKeyId: "AKIDBENCHMARK0000000",
    secretAccessKey: "bench/secret/not-a-real-key/0000000000",
  },
});
mark("constructed");
const out = await sendMessage(sqs, {
  QueueUrl: `http://127.0.0.1:${port}/000000000000/bench-cold-probe`,
  MessageBody: body,
});
mark("sent");
if (out.MessageId !== "5fea7756-0ea4-451a-a703-a558b933e274") throw new Error("wrong answer");
process.stdout.write(`${JSON.stringify({ ok: true, mainAtMs, marks })}\n`);

// Signatures per second, one signer per process: `node bench/sign.mjs <signer> <ms> <rounds>`.
// Each signer signs a SendMessage request (POST, JSON body, content-type and x-amz-target
// headers) with the current time, as a client does before each request; its output is first
// checked with the benchmark's own SigV4 verifier. Prints one JSON line.

import { BENCH_CREDENTIALS, MESSAGE_BODY, REGION } from "./fixtures.mjs";
import { verifySignature } from "./sigv4-verify.mjs";

const HOST = "sqs.us-east-1.amazonaws.com";
const BODY = JSON.stringify({ QueueUrl: `https://${HOST}/123456789012/jobs`, MessageBody: MESSAGE_BODY });
const HEADERS = { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.SendMessage" };

const lower = (headers) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));

/** Each returns `sign()`, which signs once and returns the headers to send. */
const SIGNERS = {
  async asyncaws() {
    const { signRequest } = await import("asyncaws");
    const credentials = { ...BENCH_CREDENTIALS };
    return () =>
      signRequest(
        { method: "POST", host: HOST, path: "/", headers: { ...HEADERS }, body: BODY },
        { credentials, region: REGION, service: "sqs" },
      );
  },
  async aws4() {
    const { default: aws4 } = await import("aws4");
    const credentials = { ...BENCH_CREDENTIALS };
    return () =>
      aws4.sign(
        {
          host: HOST,
          path: "/",
          method: "POST",
          service: "sqs",
          region: REGION,
          headers: { ...HEADERS },
          body: BODY,
        },
        credentials,
      ).headers;
  },
  async "smithy-signature-v4"() {
    const { SignatureV4 } = await import("@smithy/signature-v4");
    const { Hash } = await import("@smithy/hash-node");
    const signer = new SignatureV4({
      credentials: { ...BENCH_CREDENTIALS },
      region: REGION,
      service: "sqs",
      sha256: Hash.bind(null, "sha256"),
    });
    return async () =>
      (
        await signer.sign({
          method: "POST",
          protocol: "https:",
          hostname: HOST,
          path: "/",
          headers: { ...HEADERS, host: HOST },
          body: BODY,
        })
      ).headers;
  },
  async aws4fetch() {
    const { AwsV4Signer } = await import("aws4fetch");
    return async () => {
      const signer = new AwsV4Signer({
        url: `https://${HOST}/`,
        method: "POST",
        headers: { ...HEADERS },
        body: BODY,
        ...BENCH_CREDENTIALS,
        region: REGION,
        service: "sqs",
      });
      const { headers } = await signer.sign();
      return { ...Object.fromEntries(headers), host: HOST };
    };
  },
};

const [name, msText = "1000", roundsText = "5"] = process.argv.slice(2);
const sign = await SIGNERS[name]();

// The output must verify (host as sent, headers in lower case).
const first = sign();
const isAsync = typeof first?.then === "function";
const signed = lower(await first);
signed.host ??= HOST;
const problem = verifySignature("POST", "/", signed, BODY);
if (problem) {
  process.stdout.write(`${JSON.stringify({ signer: name, error: problem })}\n`);
  process.exit(0);
}

async function runFor(ms) {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  while (performance.now() < end) {
    // Batches of 64 between clock reads; async signers are awaited one by one, as used.
    if (isAsync) for (let i = 0; i < 64; i++) await sign();
    else for (let i = 0; i < 64; i++) sign();
    n += 64;
  }
  return (n * 1000) / (performance.now() - t0);
}

await runFor(Math.min(1000, Number(msText))); // warm-up
const perSecond = [];
for (let r = 0; r < Number(roundsText); r++) perSecond.push(await runFor(Number(msText)));
process.stdout.write(`${JSON.stringify({ signer: name, perSecond })}\n`);

// SNS notification verifications per second, certificate cached, one verifier per process:
// `node bench/verify.mjs <verifier> <ms> <rounds> <dir>`, where <dir> holds key.pem and cert.pem
// (a self-made RSA 2048 certificate; run.mjs makes it with openssl). The message is signed here
// as SNS signs it (SignatureVersion 1, SHA1withRSA, and 2, SHA256withRSA, alternately) and
// handed over as the JSON text an HTTP endpoint receives. Each verifier must accept it and must
// reject a tampered copy before it is timed. The certificate "download" is served in-process.
// Prints one JSON line.

import { createSign, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { PassThrough } from "node:stream";

const [name, msText = "1000", roundsText = "5", dir] = process.argv.slice(2);
const key = readFileSync(`${dir}/key.pem`, "utf8");
const pem = readFileSync(`${dir}/cert.pem`, "utf8");
const CERT_URL = `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${randomBytes(16).toString("hex")}.pem`;

function signedMessage(version, message) {
  const fields = {
    Type: "Notification",
    MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
    TopicArn: "arn:aws:sns:us-east-1:123456789012:events",
    Subject: "bench",
    Message: message,
    Timestamp: "2024-01-01T00:00:00.000Z",
  };
  let text = "";
  for (const k of ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"])
    text += `${k}\n${fields[k]}\n`;
  const signature = createSign(version === "1" ? "RSA-SHA1" : "RSA-SHA256")
    .update(text)
    .sign(key, "base64");
  return {
    ...fields,
    SignatureVersion: version,
    Signature: signature,
    SigningCertURL: CERT_URL,
    UnsubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
  };
}

const body = JSON.stringify({ event: "order.created", id: 42, total: 99.5 });
const bodies = [JSON.stringify(signedMessage("1", body)), JSON.stringify(signedMessage("2", body))];
const tampered = JSON.stringify({ ...signedMessage("1", body), Message: body.replace("42", "43") });

/** The certificate download, served in-process for the validators that use https.get. */
function serveCertificateOverHttpsGet() {
  const https = createRequire(import.meta.url)("https");
  https.get = (url, optionsOrCallback, maybeCallback) => {
    const callback = typeof optionsOrCallback === "function" ? optionsOrCallback : maybeCallback;
    const res = new PassThrough();
    res.statusCode = String(url) === CERT_URL ? 200 : 404;
    process.nextTick(() => {
      callback(res);
      res.end(res.statusCode === 200 ? pem : "not found");
    });
    return { on: () => undefined };
  };
}

/** Each returns `verify(text)`, which resolves when the message verifies and rejects otherwise. */
const VERIFIERS = {
  async asyncaws() {
    let SnsVerifier;
    for (const specifier of [
      "asyncaws",
      "asyncaws/sns",
      new URL("../dist/sns/verify/verifier.js", import.meta.url).href,
    ]) {
      try {
        SnsVerifier = (await import(specifier)).SnsVerifier;
      } catch {
        // not exported there (yet)
      }
      if (SnsVerifier) break;
    }
    if (!SnsVerifier) return undefined;
    const verifier = new SnsVerifier({
      fetch: async (url) =>
        new Response(url === CERT_URL ? pem : "not found", { status: url === CERT_URL ? 200 : 404 }),
    });
    return (text) => verifier.verify(text);
  },
  async "sns-validator"() {
    serveCertificateOverHttpsGet();
    const { default: MessageValidator } = await import("sns-validator");
    const validator = new MessageValidator();
    return (text) =>
      new Promise((resolve, reject) =>
        validator.validate(text, (error, message) => (error ? reject(error) : resolve(message))),
      );
  },
  async "sns-payload-validator"() {
    serveCertificateOverHttpsGet();
    const { default: Validator } = await import("sns-payload-validator");
    const validator = new Validator();
    return (text) => validator.validate(text);
  },
};

const verify = await VERIFIERS[name]();
if (!verify) {
  process.stdout.write(`${JSON.stringify({ verifier: name, unsupported: true })}\n`);
  process.exit(0);
}
try {
  for (const text of bodies) await verify(text); // fetches and caches the certificate
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ verifier: name, error: `rejects a good message: ${error.message}` })}\n`,
  );
  process.exit(0);
}
const accepted = await verify(tampered).then(
  () => true,
  () => false,
);
if (accepted) {
  process.stdout.write(`${JSON.stringify({ verifier: name, error: "accepts a tampered message" })}\n`);
  process.exit(0);
}

async function runFor(ms) {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 16; i++) await verify(bodies[i & 1]);
    n += 16;
  }
  return (n * 1000) / (performance.now() - t0);
}

await runFor(Math.min(500, Number(msText))); // warm-up
const perSecond = [];
for (let r = 0; r < Number(roundsText); r++) perSecond.push(await runFor(Number(msText)));
process.stdout.write(`${JSON.stringify({ verifier: name, perSecond })}\n`);

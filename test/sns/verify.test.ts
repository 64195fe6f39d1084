import assert from "node:assert/strict";
import { randomBytes, X509Certificate } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { isSignatureVerificationError, isValidationError } from "../../src/core/errors.js";
import { checkSigningCertUrl } from "../../src/sns/verify/cert-url.js";
import { DerError, isRsaKey, pemToDer, readElement, spkiFromCertificate } from "../../src/sns/verify/der.js";
import { stringToSign } from "../../src/sns/verify/string-to-sign.js";
import { type CertificateFetch, SnsVerifier, verifySnsMessage } from "../../src/sns/verify/verifier.js";
import { makeSigner, signSnsMessage, snsStringToSign, type TestSigner } from "../helpers/x509.js";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:orders";
const OTHER_TOPIC = "arn:aws:sns:us-east-1:123456789012:other";

const certUrl = (region = "us-east-1") =>
  `https://sns.${region}.amazonaws.com/SimpleNotificationService-${randomBytes(16).toString("hex")}.pem`;

const notification = (extra: Record<string, unknown> = {}) => ({
  Type: "Notification",
  MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
  TopicArn: TOPIC,
  Subject: "Order created",
  Message: 'Hello,\nWorld! {"id": 42} ünïcödé ✓',
  Timestamp: "2024-05-01T12:00:00.000Z",
  UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:abc`,
  MessageAttributes: { kind: { Type: "String", Value: "order" } },
  ...extra,
});

const confirmation = (type: "SubscriptionConfirmation" | "UnsubscribeConfirmation") => ({
  Type: type,
  MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
  Token:
    "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
  TopicArn: TOPIC,
  Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
  SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f37`,
  Timestamp: "2024-05-01T12:00:01.000Z",
});

/** An injectable fetch serving certificates by URL, recording every call. */
function certificateServer(certificates: Map<string, string>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchFn: CertificateFetch = async (url, init) => {
    calls.push({ url, init });
    const pem = certificates.get(url);
    if (pem === undefined) return new Response("not found", { status: 404 });
    return new Response(pem, { status: 200, headers: { "content-type": "application/x-pem-file" } });
  };
  return { fetch: fetchFn, calls };
}

async function rejects(promise: Promise<unknown>, reason: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(
      isSignatureVerificationError(error),
      `expected a SignatureVerificationError, got ${String(error)}`,
    );
    assert.equal(error.reason, reason, `reason of: ${error.message}`);
    if (message) assert.match(error.message, message);
    return true;
  });
}

let signer: TestSigner;
let stranger: TestSigner;

before(() => {
  signer = makeSigner();
  stranger = makeSigner();
});

describe("the test certificate helper", () => {
  it("builds a certificate node:crypto reads, whose key is the signer's", () => {
    const x509 = new X509Certificate(signer.pem);
    assert.ok(x509.verify(signer.publicKey));
    assert.ok(x509.publicKey.equals(signer.publicKey));
  });

  it("writes the string to sign as AWS documents it, as the library does", () => {
    const message = notification();
    assert.equal(
      snsStringToSign(message),
      `Message\n${message.Message}\nMessageId\n${message.MessageId}\nSubject\nOrder created\nTimestamp\n2024-05-01T12:00:00.000Z\nTopicArn\n${TOPIC}\nType\nNotification\n`,
    );
    assert.equal(stringToSign(message), snsStringToSign(message));
    const { Subject: _, ...noSubject } = message;
    assert.equal(stringToSign(noSubject), snsStringToSign(noSubject));
    assert.ok(!stringToSign(noSubject).includes("Subject"));
    const confirm = confirmation("SubscriptionConfirmation");
    assert.equal(
      stringToSign(confirm),
      `Message\n${confirm.Message}\nMessageId\n${confirm.MessageId}\nSubscribeURL\n${confirm.SubscribeURL}\nTimestamp\n${confirm.Timestamp}\nToken\n${confirm.Token}\nTopicArn\n${TOPIC}\nType\nSubscriptionConfirmation\n`,
    );
  });
});

describe("DER reading", () => {
  it("takes the SubjectPublicKeyInfo out of a certificate, with or without a version field", () => {
    assert.deepEqual(spkiFromCertificate(pemToDer(signer.pem)), signer.spki);
    const v1 = makeSigner({ bits: 1024, version: false });
    assert.deepEqual(spkiFromCertificate(v1.certificate), v1.spki);
    assert.ok(isRsaKey(signer.spki));
    assert.ok(!isRsaKey(makeSigner({ keyType: "ec" }).spki));
  });

  it("rejects truncated and malformed DER", () => {
    const der = signer.certificate;
    assert.throws(() => spkiFromCertificate(der.slice(0, der.length - 1)), DerError);
    assert.throws(() => spkiFromCertificate(new Uint8Array([0x30, 0x80, 0, 0])), /indefinite/);
    assert.throws(() => spkiFromCertificate(new Uint8Array([0x30, 0x85, 1, 1, 1, 1, 1])), /5 octets/);
    assert.throws(() => spkiFromCertificate(new Uint8Array([0x02, 0x01, 0x00])), /not a SEQUENCE/);
    assert.throws(() => spkiFromCertificate(new Uint8Array([0x30, 0x03, 0x30, 0x01, 0x00])), DerError);
    assert.throws(() => readElement(new Uint8Array([0x30]), 0), /truncated/);
    assert.throws(() => pemToDer("not a pem"), /no PEM/);
  });
});

describe("verifySnsMessage: messages that pass", () => {
  for (const version of ["1", "2"] as const) {
    for (const type of ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"] as const) {
      it(`passes a valid SignatureVersion ${version} ${type}`, async () => {
        const url = certUrl();
        const server = certificateServer(new Map([[url, signer.pem]]));
        const base = type === "Notification" ? notification() : confirmation(type);
        const signed = signSnsMessage(base, signer, version, url);
        const verified = await verifySnsMessage(JSON.stringify(signed), { fetch: server.fetch });
        assert.equal(verified.Type, type);
        assert.equal(verified.Message, base.Message);
        assert.equal(verified.TopicArn, TOPIC);
        assert.equal(server.calls.length, 1);
        assert.equal(server.calls[0]!.init.redirect, "error", "redirects are never followed");
      });
    }
  }

  it("passes a notification without a Subject, an already-parsed object and bytes", async () => {
    const url = certUrl("eu-west-1");
    const verifier = new SnsVerifier({ fetch: certificateServer(new Map([[url, signer.pem]])).fetch });
    const { Subject: _, ...base } = notification();
    const signed = signSnsMessage(base, signer, "2", url);
    assert.equal((await verifier.verify(signed)).Type, "Notification");
    assert.equal(
      (await verifier.verify(new TextEncoder().encode(JSON.stringify(signed)))).Type,
      "Notification",
    );
  });

  it("passes a Lambda-style payload (SigningCertUrl, UnsubscribeUrl, Subject: null)", async () => {
    const url = certUrl();
    const verifier = new SnsVerifier({ fetch: certificateServer(new Map([[url, signer.pem]])).fetch });
    const { Subject: _, UnsubscribeURL, ...base } = notification();
    const { SigningCertURL, ...signed } = signSnsMessage(base, signer, "1", url);
    const lambda = {
      ...signed,
      Subject: null,
      SigningCertUrl: SigningCertURL,
      UnsubscribeUrl: UnsubscribeURL,
    };
    const verified = await verifier.verify(lambda);
    assert.equal(verified.Type, "Notification");
    assert.equal(verified.SigningCertURL, url);
    assert.equal("Subject" in verified, false);
  });

  it("passes a cn- region certificate URL (.amazonaws.com.cn)", async () => {
    const url = `https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-${randomBytes(16).toString("hex")}.pem`;
    const verifier = new SnsVerifier({ fetch: certificateServer(new Map([[url, signer.pem]])).fetch });
    assert.equal(
      (await verifier.verify(signSnsMessage(notification(), signer, "2", url))).Type,
      "Notification",
    );
  });

  it("accepts only the given topics, without fetching anything for the others", async () => {
    const url = certUrl();
    const server = certificateServer(new Map([[url, signer.pem]]));
    const verifier = new SnsVerifier({ fetch: server.fetch, topicArns: [TOPIC] });
    assert.equal((await verifier.verify(signSnsMessage(notification(), signer, "2", url))).TopicArn, TOPIC);
    const other = signSnsMessage(notification({ TopicArn: OTHER_TOPIC }), signer, "2", url);
    await rejects(verifier.verify(other), "topic-not-allowed", /other/);
    await rejects(
      verifySnsMessage(other, { fetch: server.fetch, topicArns: new Set([TOPIC]) }),
      "topic-not-allowed",
    );
    assert.equal(server.calls.length, 1);
  });
});

describe("verifySnsMessage: messages that fail, each with its reason", () => {
  const url = certUrl();
  let verifier: SnsVerifier;
  before(() => {
    verifier = new SnsVerifier({ fetch: certificateServer(new Map([[url, signer.pem]])).fetch });
  });

  for (const version of ["1", "2"] as const) {
    for (const field of ["Message", "Subject", "TopicArn", "Timestamp", "MessageId"]) {
      it(`a notification with a tampered ${field} (v${version})`, async () => {
        const signed = signSnsMessage(notification(), signer, version, url);
        await rejects(
          verifier.verify({ ...signed, [field]: `${signed[field as keyof typeof signed]}x` }),
          "bad-signature",
        );
      });
    }
    for (const type of ["SubscriptionConfirmation", "UnsubscribeConfirmation"] as const) {
      for (const field of ["Token", "Message", "TopicArn", "Timestamp", "SubscribeURL"]) {
        it(`a ${type} with a tampered ${field} (v${version})`, async () => {
          const signed = signSnsMessage(confirmation(type), signer, version, url);
          await rejects(
            verifier.verify({ ...signed, [field]: `${signed[field as keyof typeof signed]}0` }),
            "bad-signature",
          );
        });
      }
    }
  }

  it("a removed Subject, and an added one", async () => {
    const signed = signSnsMessage(notification(), signer, "2", url);
    const { Subject: _, ...without } = signed;
    await rejects(verifier.verify(without), "bad-signature");
    const { Subject: __, ...base } = notification();
    await rejects(
      verifier.verify({ ...signSnsMessage(base, signer, "2", url), Subject: "added" }),
      "bad-signature",
    );
  });

  it("a tampered Type", async () => {
    const signed = signSnsMessage(confirmation("SubscriptionConfirmation"), signer, "2", url);
    await rejects(verifier.verify({ ...signed, Type: "UnsubscribeConfirmation" }), "bad-signature");
    const unsubscribe = signSnsMessage(confirmation("UnsubscribeConfirmation"), signer, "1", url);
    await rejects(verifier.verify({ ...unsubscribe, Type: "SubscriptionConfirmation" }), "bad-signature");
    const note = signSnsMessage(notification(), signer, "2", url);
    await rejects(verifier.verify({ ...note, Type: "Notice" }), "unsupported-type", /Notice/);
    // A Notification turned into a confirmation lacks the confirmation's fields.
    await rejects(verifier.verify({ ...note, Type: "SubscriptionConfirmation" }), "malformed", /Token/);
  });

  it("a signature by another key", async () => {
    await rejects(verifier.verify(signSnsMessage(notification(), stranger, "1", url)), "bad-signature");
    await rejects(verifier.verify(signSnsMessage(notification(), stranger, "2", url)), "bad-signature");
  });

  it("a SignatureVersion 1 signature presented as version 2, and the reverse", async () => {
    const v1 = signSnsMessage(notification(), signer, "1", url);
    await rejects(verifier.verify({ ...v1, SignatureVersion: "2" }), "bad-signature");
    const v2 = signSnsMessage(notification(), signer, "2", url);
    await rejects(verifier.verify({ ...v2, SignatureVersion: "1" }), "bad-signature");
  });

  it("an unknown or missing SignatureVersion", async () => {
    const signed = signSnsMessage(notification(), signer, "2", url);
    await rejects(
      verifier.verify({ ...signed, SignatureVersion: "3" }),
      "unsupported-signature-version",
      /"3"/,
    );
    await rejects(verifier.verify({ ...signed, SignatureVersion: 2 }), "unsupported-signature-version");
    const { SignatureVersion: _, ...none } = signed;
    await rejects(verifier.verify(none), "unsupported-signature-version");
  });

  it("malformed payloads", async () => {
    const signed = signSnsMessage(notification(), signer, "2", url);
    await rejects(verifier.verify("{not json"), "malformed", /not JSON/);
    await rejects(verifier.verify("[1,2]"), "malformed", /not a JSON object/);
    await rejects(verifier.verify(null), "malformed");
    const { Signature: _, ...unsigned } = signed;
    await rejects(verifier.verify(unsigned), "malformed", /Signature/);
    await rejects(verifier.verify({ ...signed, Signature: "not base64!" }), "malformed", /base64/);
    const { MessageId: __, ...noId } = signed;
    await rejects(verifier.verify(noId), "malformed", /MessageId/);
    await rejects(verifier.verify({ ...signed, Subject: 42 }), "malformed", /Subject/);
  });
});

describe("signing certificate URLs", () => {
  const hex = "d6d679a1d18e95c2f9ffcf11f4f9e198";
  const bad: [string, string, RegExp][] = [
    ["http", `http://sns.us-east-1.amazonaws.com/SimpleNotificationService-${hex}.pem`, /not https/],
    [
      "another host (suffix)",
      `https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-${hex}.pem`,
      /host/,
    ],
    [
      "another host (in the path)",
      `https://evil.example/sns.us-east-1.amazonaws.com/SimpleNotificationService-${hex}.pem`,
      /host/,
    ],
    ["S3", `https://s3.amazonaws.com/sns/SimpleNotificationService-${hex}.pem`, /host/],
    [
      "user info",
      `https://sns.us-east-1.amazonaws.com@evil.example/SimpleNotificationService-${hex}.pem`,
      /user info/,
    ],
    [
      "user info and password",
      `https://a:b@sns.us-east-1.amazonaws.com/SimpleNotificationService-${hex}.pem`,
      /user info/,
    ],
    ["a port", `https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-${hex}.pem`, /port/],
    [
      "the default port",
      `https://sns.us-east-1.amazonaws.com:443/SimpleNotificationService-${hex}.pem`,
      /port/,
    ],
    ["a query", `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${hex}.pem?x=1`, /query/],
    ["a fragment", `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${hex}.pem#x`, /fragment/],
    [
      "another path",
      `https://sns.us-east-1.amazonaws.com/other/SimpleNotificationService-${hex}.pem`,
      /path/,
    ],
    [
      "a path that is not hex",
      `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-xyz.pem`,
      /path/,
    ],
    [
      "a path with a traversal",
      `https://sns.us-east-1.amazonaws.com/../SimpleNotificationService-${hex}.pem`,
      /path/,
    ],
    ["no path", "https://sns.us-east-1.amazonaws.com", /path/],
    [
      "a backslash",
      `https://sns.us-east-1.amazonaws.com\\@evil.example/SimpleNotificationService-${hex}.pem`,
      /path/,
    ],
    ["upper case", `https://SNS.us-east-1.amazonaws.com/SimpleNotificationService-${hex}.pem`, /host/],
    ["no region", `https://sns.amazonaws.com/SimpleNotificationService-${hex}.pem`, /host/],
    ["a trailing dot", `https://sns.us-east-1.amazonaws.com./SimpleNotificationService-${hex}.pem`, /host/],
    ["another scheme", `file:///SimpleNotificationService-${hex}.pem`, /not https/],
  ];
  for (const [what, url, why] of bad) {
    it(`rejects ${what}`, async () => {
      assert.throws(
        () => checkSigningCertUrl(url),
        (error: unknown) =>
          isSignatureVerificationError(error) &&
          error.reason === "untrusted-certificate-url" &&
          why.test(error.message),
      );
      const server = certificateServer(new Map([[url, signer.pem]]));
      const signed = signSnsMessage(notification(), signer, "2", url);
      await rejects(
        new SnsVerifier({ fetch: server.fetch }).verify(signed),
        "untrusted-certificate-url",
        why,
      );
      assert.equal(server.calls.length, 0, "nothing is fetched from an untrusted URL");
    });
  }

  it("accepts SNS's own URLs", () => {
    for (const url of [
      `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${hex}.pem`,
      `https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-${hex}.pem`,
      `https://sns.ap-southeast-2.amazonaws.com/SimpleNotificationService-${hex.toUpperCase()}.pem`,
      `https://sns.cn-northwest-1.amazonaws.com.cn/SimpleNotificationService-${hex}.pem`,
    ]) {
      assert.equal(checkSigningCertUrl(url), url);
    }
    assert.throws(() => checkSigningCertUrl(undefined), /missing/);
  });
});

describe("fetching the certificate", () => {
  it("fails on a 404, and does not cache the failure", async () => {
    const url = certUrl();
    const certificates = new Map<string, string>();
    const server = certificateServer(certificates);
    const verifier = new SnsVerifier({ fetch: server.fetch });
    const signed = signSnsMessage(notification(), signer, "2", url);
    await rejects(verifier.verify(signed), "certificate-fetch-failed", /HTTP 404/);
    certificates.set(url, signer.pem);
    assert.equal((await verifier.verify(signed)).Type, "Notification");
    assert.equal(server.calls.length, 2);
  });

  it("fails when the fetch itself fails", async () => {
    const url = certUrl();
    const verifier = new SnsVerifier({
      fetch: async () => {
        throw new TypeError("fetch failed: ECONNREFUSED");
      },
    });
    await rejects(
      verifier.verify(signSnsMessage(notification(), signer, "2", url)),
      "certificate-fetch-failed",
      /ECONNREFUSED/,
    );
  });

  it("fails on a certificate too large, declared or streamed", async () => {
    const url = certUrl();
    const big = "x".repeat(70_000);
    const declared = new SnsVerifier({ fetch: async () => new Response(big, { status: 200 }) });
    await rejects(declared.verify(signSnsMessage(notification(), signer, "2", url)), "certificate-too-large");
    const streamed = new SnsVerifier({
      maxCertificateBytes: 4096,
      fetch: async () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              controller.enqueue(new Uint8Array(1024));
            },
          }),
          { status: 200 },
        ),
    });
    await rejects(
      streamed.verify(signSnsMessage(notification(), signer, "2", url)),
      "certificate-too-large",
      /4096/,
    );
  });

  it("fails on a certificate that is not one, or holds no RSA key", async () => {
    const url = certUrl();
    const notPem = new SnsVerifier({
      fetch: async () => new Response("<html>hello</html>", { status: 200 }),
    });
    await rejects(notPem.verify(signSnsMessage(notification(), signer, "2", url)), "bad-certificate", /PEM/);
    const ec = makeSigner({ keyType: "ec" });
    const ecVerifier = new SnsVerifier({ fetch: async () => new Response(ec.pem, { status: 200 }) });
    await rejects(
      ecVerifier.verify(signSnsMessage(notification(), signer, "2", url)),
      "bad-certificate",
      /RSA/,
    );
  });

  it("gives up on a fetch that hangs past the timeout, whether or not it heeds the abort", async () => {
    const url = certUrl();
    let aborted = false;
    const heeding = new SnsVerifier({
      timeoutMs: 50,
      fetch: (_url, init) =>
        new Promise((_, reject) => {
          init.signal?.addEventListener("abort", () => {
            aborted = true;
            reject(new DOMException("aborted", "AbortError"));
          });
        }),
    });
    await rejects(
      heeding.verify(signSnsMessage(notification(), signer, "2", url)),
      "certificate-timeout",
      /50 ms/,
    );
    assert.ok(aborted, "the fetch was aborted");
    const deaf = new SnsVerifier({ timeoutMs: 50, fetch: () => new Promise(() => {}) });
    await rejects(deaf.verify(signSnsMessage(notification(), signer, "2", url)), "certificate-timeout");
  });

  it("reads a certificate over a real loopback connection, and enforces the limit on a chunked body", async () => {
    const server = createServer((req, res) => {
      if (req.url === "/big") {
        res.writeHead(200);
        const chunk = Buffer.alloc(8192, 0x41);
        for (let i = 0; i < 16; i++) res.write(chunk);
        res.end();
      } else if (req.url === "/hang") {
        res.writeHead(200);
        res.write("-----BEGIN CERTIFICATE-----\n");
      } else {
        res.writeHead(200, { "content-type": "application/x-pem-file" });
        res.end(signer.pem);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const via =
        (path: string): CertificateFetch =>
        (_url, init) =>
          fetch(`http://127.0.0.1:${port}${path}`, init);
      const url = certUrl();
      const signed = signSnsMessage(notification(), signer, "2", url);
      assert.equal((await new SnsVerifier({ fetch: via("/cert") }).verify(signed)).Type, "Notification");
      await rejects(new SnsVerifier({ fetch: via("/big") }).verify(signed), "certificate-too-large");
      await rejects(
        new SnsVerifier({ fetch: via("/hang"), timeoutMs: 100 }).verify(signed),
        "certificate-timeout",
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("caches certificates, in a bounded cache", async () => {
    const urls = [certUrl(), certUrl(), certUrl()];
    const server = certificateServer(new Map(urls.map((url) => [url, signer.pem])));
    const verifier = new SnsVerifier({ fetch: server.fetch, cacheSize: 2 });
    const count = (url: string) => server.calls.filter((call) => call.url === url).length;
    await verifier.verify(signSnsMessage(notification(), signer, "2", urls[0]!));
    await verifier.verify(signSnsMessage(notification(), signer, "1", urls[0]!));
    await Promise.all(
      [1, 2, 3].map(() => verifier.verify(signSnsMessage(notification(), signer, "2", urls[1]!))),
    );
    assert.equal(count(urls[0]!), 1, "both versions use the one fetch");
    assert.equal(count(urls[1]!), 1, "concurrent verifications share one fetch");
    await verifier.verify(signSnsMessage(notification(), signer, "2", urls[2]!));
    await verifier.verify(signSnsMessage(notification(), signer, "2", urls[0]!));
    assert.equal(count(urls[0]!), 2, "the least recently used certificate was dropped");
    await verifier.verify(signSnsMessage(notification(), signer, "2", urls[2]!));
    assert.equal(count(urls[2]!), 1);
  });

  it("checks its options", () => {
    assert.throws(() => new SnsVerifier({ timeoutMs: -1 }), isValidationError);
    assert.throws(() => new SnsVerifier({ cacheSize: 0 }), isValidationError);
    assert.throws(() => new SnsVerifier({ fetch: "no" as never }), isValidationError);
  });
});

after(() => {
  // Nothing global to stop: every server above closes itself.
});

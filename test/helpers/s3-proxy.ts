// A loopback proxy in front of the emulator's S3 (fauxqs checks no signature) that checks each
// request's SigV4 signature with an implementation other than asyncaws's own
// (@smithy/signature-v4, with S3's rules: the path signed as sent, the payload hash header), and
// that the payload hash header is the SHA-256 of the body received. Then it forwards the request.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { S3 } from "../../src/s3/index.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS } from "./fauxqs.js";

/** One request as the proxy saw it. */
export interface CheckedRequest {
  method: string;
  /** The path and query as received, encodings included. */
  url: string;
  /** Why the signature is not valid; undefined when it is. */
  problem: string | undefined;
  bodyBytes: number;
}

export interface S3Proxy {
  endpoint: string;
  requests: CheckedRequest[];
  close(): Promise<void>;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, "%20"));
  } catch {
    return text;
  }
}

async function check(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<string | undefined> {
  const auth = headers.authorization;
  const date = headers["x-amz-date"];
  if (!auth || !date) return "no authorization or x-amz-date";
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!match) return "malformed authorization";
  const [, , , region, service, signedHeaders] = match;
  const hash = createHash("sha256").update(body).digest("hex");
  if (service === "s3" && headers["x-amz-content-sha256"] !== hash)
    return "x-amz-content-sha256 is not the body's hash";
  const signed: Record<string, string> = {};
  for (const name of signedHeaders!.split(";")) {
    if (name !== "x-amz-date" && name !== "authorization") signed[name] = headers[name] ?? "";
  }
  const at = url.indexOf("?");
  const path = at < 0 ? url : url.slice(0, at);
  const query: Record<string, string | string[]> = {};
  if (at >= 0) {
    for (const part of url.slice(at + 1).split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      const key = decode(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? "" : decode(part.slice(eq + 1));
      const previous = query[key];
      query[key] = previous === undefined ? value : ([] as string[]).concat(previous, value);
    }
  }
  const signer = new SignatureV4({
    credentials: headers["x-amz-security-token"]
      ? { ...TEST_CREDENTIALS, sessionToken: headers["x-amz-security-token"] }
      : TEST_CREDENTIALS,
    region: region!,
    service: service!,
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: service !== "s3",
    applyChecksum: service === "s3",
  });
  const when = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const again = await signer.sign(
    {
      method,
      protocol: "http:",
      hostname: (headers.host ?? "").split(":")[0]!,
      path,
      query,
      headers: signed,
      body: new Uint8Array(body),
    },
    { signingDate: when },
  );
  const expected = again.headers.authorization ?? again.headers.Authorization;
  return expected === auth ? undefined : "signature mismatch";
}

/** Starts a checking proxy in front of `target` (the emulator's endpoint). */
export async function startS3Proxy(target: string): Promise<S3Proxy> {
  const requests: CheckedRequest[] = [];
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        headers[name] = Array.isArray(value) ? value.join(",") : (value ?? "");
      }
      const body = Buffer.concat(chunks);
      const url = req.url ?? "/";
      let problem: string | undefined;
      try {
        problem = await check(req.method ?? "", url, headers, body);
      } catch (error) {
        problem = `checker failed: ${String(error)}`;
      }
      requests.push({ method: req.method ?? "", url, problem, bodyBytes: body.length });
      const forward = httpRequest(
        { host: to.hostname, port: to.port, method: req.method, path: url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** fauxqs, the signature-checking proxy in front of its S3, and a bucket made through the proxy. */
export interface PayloadBench {
  emulator: Emulator;
  proxy: S3Proxy;
  /** An S3 client through the proxy. */
  s3: S3;
  /** Checks that every S3 request was signed correctly, then stops the proxy and the emulator. */
  close(): Promise<void>;
}

/** Starts a {@link PayloadBench} with `bucket` created (for the large-payload tests). */
export async function startPayloadBench(bucket: string): Promise<PayloadBench> {
  const emulator = await startEmulator();
  const proxy = await startS3Proxy(emulator.endpoint);
  const s3 = new S3({ endpoint: proxy.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
  await s3.createBucket({ Bucket: bucket });
  return {
    emulator,
    proxy,
    s3,
    async close() {
      try {
        assert.deepEqual(
          proxy.requests.filter((r) => r.problem !== undefined),
          [],
          "every S3 request was signed correctly",
        );
      } finally {
        await proxy.close();
        await emulator.stop();
      }
    },
  };
}

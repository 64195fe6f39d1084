// The providers that asyncaws's root exports (src/core/credentials/index.ts) load their source's
// module at their first call: each must give what the source's own provider gives, cached alike.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { credentialsFromOption } from "../../../src/core/credentials/option.js";
import type { CredentialsProvider } from "../../../src/core/credentials/types.js";
import { isCredentialsError } from "../../../src/core/errors.js";
import * as root from "../../../src/index.js";
import { failNextImport, isSimulatedLoadFailure } from "../../helpers/failing-import.js";
import { fakeCredentials, startContainerEndpoint, startImds, tempFiles, withEnv } from "./helpers.js";

describe("root credential providers, loaded on first call", () => {
  it("fromProfile reads the shared credentials file", async () => {
    const tmp = tempFiles({
      credentials: "[dev]\naws_access_key_id = AKIDLAZYPROFILE\naws_secret_access_key = lazy-secret\n",
    });
    try {
      await withEnv({ AWS_SHARED_CREDENTIALS_FILE: tmp.path("credentials") }, async () => {
        const provider = root.fromProfile({ profile: "dev" });
        const got = await provider();
        assert.equal(got.accessKeyId, "AKIDLAZYPROFILE");
        assert.equal(got.secretAccessKey, "lazy-secret");
        assert.equal(await provider(), got, "cached: the same credentials at the next call");
        await assert.rejects(root.fromProfile({ profile: "missing" })(), (e: unknown) => {
          assert.ok(isCredentialsError(e), String(e));
          assert.match(e.message, /missing/);
          return true;
        });
      });
    } finally {
      tmp.remove();
    }
  });

  it("fromContainer and fromInstanceMetadata fetch from their endpoints", async () => {
    const c = fakeCredentials("container");
    const container = await startContainerEndpoint(undefined, () => c);
    const i = fakeCredentials("imds");
    const imds = await startImds({ credentials: () => i });
    try {
      await withEnv(
        {
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds`,
          AWS_EC2_METADATA_DISABLED: undefined,
          AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
        },
        async () => {
          const fromContainer = await root.fromContainer()();
          assert.equal(fromContainer.accessKeyId, c.accessKeyId);
          assert.equal(fromContainer.sessionToken, c.sessionToken);
          const provider = root.fromInstanceMetadata();
          const fromImds = await provider();
          assert.equal(fromImds.accessKeyId, i.accessKeyId);
          assert.equal(fromImds.expiration?.getTime(), i.expiration.getTime());
          assert.equal(await provider(), fromImds, "cached");
        },
      );
    } finally {
      await container.close();
      await imds.close();
    }
  });

  it("fromWebIdentity and defaultCredentials report the source's own errors and answers", async () => {
    await withEnv({}, async () => {
      await assert.rejects(root.fromWebIdentity()(), (e: unknown) => {
        assert.ok(isCredentialsError(e), String(e));
        assert.match(e.message, /AWS_WEB_IDENTITY_TOKEN_FILE is not set/);
        return true;
      });
      await assert.rejects(root.defaultCredentials()(), (e: unknown) => {
        assert.ok(isCredentialsError(e), String(e));
        assert.match(e.message, /no credentials found/);
        return true;
      });
    });
    await withEnv({ AWS_ACCESS_KEY_ID: "AKIDLAZYENV", AWS_SECRET_ACCESS_KEY: "env-secret" }, async () => {
      const provider = root.defaultCredentials();
      const got = await provider();
      assert.equal(got.accessKeyId, "AKIDLAZYENV");
      assert.equal(got.secretAccessKey, "env-secret");
    });
  });
});

describe("a source's module that fails to load", () => {
  it("is loaded again at the next call, by every provider", async () => {
    const tmp = tempFiles({
      credentials: "[dev]\naws_access_key_id = AKIDRETRYLOAD\naws_secret_access_key = retry-secret\n",
    });
    const i = fakeCredentials("imds");
    const imds = await startImds({ credentials: () => i });
    try {
      await withEnv(
        {
          AWS_SHARED_CREDENTIALS_FILE: tmp.path("credentials"),
          AWS_EC2_METADATA_DISABLED: undefined,
          AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
        },
        async () => {
          const cases: [string, string, () => CredentialsProvider, string][] = [
            [
              "defaultCredentials",
              "/credentials/chain.js",
              () => root.defaultCredentials({ profile: "dev" }),
              "AKIDRETRYLOAD",
            ],
            // The provider of a client given no credentials, with a profile: the chain, loaded lazily.
            [
              "a client's default",
              "/credentials/chain.js",
              () => credentialsFromOption(undefined, { profile: "dev" }),
              "AKIDRETRYLOAD",
            ],
            [
              "fromInstanceMetadata",
              "/credentials/imds.js",
              () => root.fromInstanceMetadata(),
              i.accessKeyId,
            ],
            [
              "fromProfile",
              "/credentials/shared.js",
              () => root.fromProfile({ profile: "dev" }),
              "AKIDRETRYLOAD",
            ],
          ];
          for (const [name, module, make, expected] of cases) {
            const provider = make();
            await failNextImport(module);
            await assert.rejects(provider(), (e: unknown) => isSimulatedLoadFailure(e), name);
            const got = await provider();
            assert.equal(got.accessKeyId, expected, name);
          }
        },
      );
    } finally {
      tmp.remove();
      await imds.close();
    }
  });
});

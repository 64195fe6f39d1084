import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadSharedFilesSync } from "../../src/core/config/profile.js";
import { defaultEndpoint, partitionOf, resolveConfig } from "../../src/core/config.js";
import { isAsyncAwsError, isValidationError } from "../../src/core/errors.js";
import { adaptiveRetry } from "../../src/core/retry.js";
import { SQS } from "../../src/sqs/sqs.js";
import { STS } from "../../src/sts/sts.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, startLoopback } from "../helpers/loopback.js";
import { tempFiles, withEnv } from "./credentials/helpers.js";

const SQS_SERVICE = { endpointPrefix: "sqs", envKey: "SQS" };

/** Resolves with the given config file text (and env vars), in an isolated environment. */
async function resolveWith(
  config: string,
  vars: Record<string, string>,
  options: Parameters<typeof resolveConfig>[1] = {},
  service = SQS_SERVICE,
) {
  const tmp = tempFiles({ config });
  try {
    return await withEnv({ AWS_CONFIG_FILE: tmp.path("config"), ...vars }, () =>
      resolveConfig(service, options, loadSharedFilesSync()),
    );
  } finally {
    tmp.remove();
  }
}

describe("partitions and public endpoints", () => {
  it("picks the partition from the region", () => {
    assert.equal(partitionOf("eu-west-1").id, "aws");
    assert.equal(partitionOf("cn-north-1").id, "aws-cn");
    assert.equal(partitionOf("cn-northwest-1").dnsSuffix, "amazonaws.com.cn");
    assert.equal(partitionOf("us-gov-west-1").id, "aws-us-gov");
    assert.equal(partitionOf("us-iso-east-1").id, "aws-iso");
    assert.equal(partitionOf("us-isob-east-1").id, "aws-iso-b");
    assert.equal(partitionOf("eusc-de-east-1").id, "aws-eusc");
    assert.equal(partitionOf("mars-central-1").id, "aws");
  });

  it("builds standard, FIPS and dual-stack endpoints as AWS's endpoint rules do", () => {
    const cases: [string, string, { useFips?: boolean; useDualstack?: boolean }, string][] = [
      ["sqs", "us-east-1", {}, "https://sqs.us-east-1.amazonaws.com"],
      ["sqs", "eu-west-1", { useFips: true }, "https://sqs-fips.eu-west-1.amazonaws.com"],
      ["sqs", "eu-west-1", { useDualstack: true }, "https://sqs.eu-west-1.api.aws"],
      ["sqs", "eu-west-1", { useFips: true, useDualstack: true }, "https://sqs-fips.eu-west-1.api.aws"],
      ["sqs", "cn-north-1", {}, "https://sqs.cn-north-1.amazonaws.com.cn"],
      [
        "sns",
        "cn-northwest-1",
        { useDualstack: true },
        "https://sns.cn-northwest-1.api.amazonwebservices.com.cn",
      ],
      ["sqs", "us-gov-west-1", {}, "https://sqs.us-gov-west-1.amazonaws.com"],
      ["sqs", "us-gov-west-1", { useFips: true }, "https://sqs.us-gov-west-1.amazonaws.com"],
      ["sns", "us-gov-east-1", { useFips: true }, "https://sns.us-gov-east-1.amazonaws.com"],
      [
        "sts",
        "us-gov-west-1",
        { useFips: true, useDualstack: true },
        "https://sts-fips.us-gov-west-1.api.aws",
      ],
      ["sts", "ap-southeast-2", {}, "https://sts.ap-southeast-2.amazonaws.com"],
      ["sts", "us-east-1", { useFips: true }, "https://sts-fips.us-east-1.amazonaws.com"],
      ["portal.sso", "eu-central-1", {}, "https://portal.sso.eu-central-1.amazonaws.com"],
    ];
    for (const [prefix, region, variant, expected] of cases) {
      assert.equal(
        defaultEndpoint(prefix, region, variant),
        expected,
        `${prefix} ${region} ${JSON.stringify(variant)}`,
      );
    }
  });
});

describe("region", () => {
  it("comes from the option, AWS_REGION, AWS_DEFAULT_REGION, then the profile", async () => {
    const config = "[default]\nregion = ca-central-1\n[profile other]\nregion = ap-northeast-1\n";
    assert.equal((await resolveWith(config, {})).region, "ca-central-1");
    assert.equal((await resolveWith(config, { AWS_PROFILE: "other" })).region, "ap-northeast-1");
    assert.equal((await resolveWith(config, {}, { profile: "other" })).region, "ap-northeast-1");
    assert.equal((await resolveWith(config, { AWS_DEFAULT_REGION: "eu-north-1" })).region, "eu-north-1");
    assert.equal(
      (await resolveWith(config, { AWS_DEFAULT_REGION: "eu-north-1", AWS_REGION: "eu-south-1" })).region,
      "eu-south-1",
    );
    assert.equal(
      (await resolveWith(config, { AWS_REGION: "eu-south-1" }, { region: "me-south-1" })).region,
      "me-south-1",
    );
  });

  it("is undefined when nothing sets it, us-east-1 when only an endpoint does", async () => {
    const none = await resolveWith("", {});
    assert.equal(none.region, undefined);
    assert.equal(none.endpoint, undefined);
    assert.equal((await resolveWith("", {}, { endpoint: "http://127.0.0.1:1" })).region, "us-east-1");
  });

  it("reads legacy FIPS pseudo-regions", async () => {
    const config = await resolveWith("", {}, { region: "fips-us-gov-west-1" });
    assert.equal(config.region, "us-gov-west-1");
    assert.equal(config.useFips, true);
    assert.equal(
      (await resolveWith("", {}, { region: "us-east-1-fips" })).endpoint,
      "https://sqs-fips.us-east-1.amazonaws.com",
    );
  });

  it("rejects a bad region naming where it came from", async () => {
    await assert.rejects(resolveWith("", { AWS_REGION: "Not A Region" }), (e: unknown) => {
      assert.ok(isValidationError(e));
      assert.equal(e.field, "AWS_REGION");
      return true;
    });
    await assert.rejects(resolveWith("[default]\nregion = bad region\n", {}), (e: unknown) => {
      assert.ok(isValidationError(e));
      assert.equal(e.field, "profile region");
      return true;
    });
  });
});

describe("endpoint", () => {
  const config = [
    "[default]",
    "endpoint_url = http://127.0.0.1:9001",
    "services = local",
    "[services local]",
    "sqs =",
    "  endpoint_url = http://127.0.0.1:9002",
    "[profile plain]",
    "region = eu-west-3",
    "endpoint_url = http://127.0.0.1:9003",
    "[profile ignoring]",
    "region = eu-west-3",
    "endpoint_url = http://127.0.0.1:9003",
    "ignore_configured_endpoint_urls = true",
  ].join("\n");

  it("comes from the option, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, services section, endpoint_url", async () => {
    const all = { AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:9010", AWS_ENDPOINT_URL: "http://127.0.0.1:9011" };
    assert.equal(
      (await resolveWith(config, all, { endpoint: "http://127.0.0.1:9012" })).endpoint,
      "http://127.0.0.1:9012",
    );
    assert.equal((await resolveWith(config, all)).endpoint, "http://127.0.0.1:9010");
    assert.equal((await resolveWith(config, all)).endpointSource, "AWS_ENDPOINT_URL_SQS");
    assert.equal(
      (await resolveWith(config, { AWS_ENDPOINT_URL: "http://127.0.0.1:9011" })).endpoint,
      "http://127.0.0.1:9011",
    );
    const fromServices = await resolveWith(config, {});
    assert.equal(fromServices.endpoint, "http://127.0.0.1:9002");
    assert.equal(fromServices.endpointSource, "services local");
    // SNS has no entry in the services section: the profile's endpoint_url applies.
    assert.equal(
      (await resolveWith(config, {}, {}, { endpointPrefix: "sns", envKey: "SNS" })).endpoint,
      "http://127.0.0.1:9001",
    );
    assert.equal((await resolveWith(config, { AWS_PROFILE: "plain" })).endpoint, "http://127.0.0.1:9003");
  });

  it("ignores configured endpoints when asked to, but never the option", async () => {
    const ignoring = await resolveWith(config, {
      AWS_PROFILE: "ignoring",
      AWS_ENDPOINT_URL: "http://127.0.0.1:9011",
    });
    assert.equal(ignoring.endpoint, "https://sqs.eu-west-3.amazonaws.com");
    const byEnv = await resolveWith(config, {
      AWS_PROFILE: "plain",
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
    });
    assert.equal(byEnv.endpoint, "https://sqs.eu-west-3.amazonaws.com");
    const option = await resolveWith(
      config,
      { AWS_PROFILE: "ignoring" },
      { endpoint: "http://127.0.0.1:9012" },
    );
    assert.equal(option.endpoint, "http://127.0.0.1:9012");
  });

  it("uses FIPS and dual-stack from options, the environment and the profile", async () => {
    const profile = "[default]\nregion = eu-west-1\nuse_fips_endpoint = true\n";
    assert.equal((await resolveWith(profile, {})).endpoint, "https://sqs-fips.eu-west-1.amazonaws.com");
    assert.equal(
      (await resolveWith(profile, { AWS_USE_FIPS_ENDPOINT: "false", AWS_USE_DUALSTACK_ENDPOINT: "TRUE" }))
        .endpoint,
      "https://sqs.eu-west-1.api.aws",
    );
    assert.equal(
      (await resolveWith(profile, {}, { useFipsEndpoint: false, useDualstackEndpoint: true })).endpoint,
      "https://sqs.eu-west-1.api.aws",
    );
    await assert.rejects(resolveWith(profile, { AWS_USE_FIPS_ENDPOINT: "yes" }), (e: unknown) => {
      assert.ok(isValidationError(e));
      assert.equal(e.field, "AWS_USE_FIPS_ENDPOINT");
      return true;
    });
  });

  it("rejects a configured endpoint that is not an http(s) URL, naming its source", async () => {
    await assert.rejects(resolveWith("", { AWS_ENDPOINT_URL_SQS: "ftp://x" }), (e: unknown) => {
      assert.ok(isValidationError(e));
      assert.equal(e.field, "AWS_ENDPOINT_URL_SQS");
      return true;
    });
  });
});

describe("retry settings", () => {
  it("take the adaptive mode as adaptiveRetry, and refuse other objects", async () => {
    const resolved = await resolveWith("", { AWS_RETRY_MODE: "standard" }, { retryMode: adaptiveRetry });
    assert.equal(resolved.retryMode, "adaptive");
    await assert.rejects(
      resolveWith("", {}, { retryMode: { mode: "adaptive" } as never }),
      (e: unknown) => isValidationError(e) && e.field === "retryMode",
    );
  });

  it("come from the options, AWS_MAX_ATTEMPTS / AWS_RETRY_MODE, then the profile", async () => {
    const profile = "[default]\nmax_attempts = 7\nretry_mode = adaptive\n";
    const fromProfile = await resolveWith(profile, {});
    assert.equal(fromProfile.maxAttempts, 7);
    assert.equal(fromProfile.retryMode, "adaptive");
    const fromEnv = await resolveWith(profile, { AWS_MAX_ATTEMPTS: "2", AWS_RETRY_MODE: "legacy" });
    assert.equal(fromEnv.maxAttempts, 2);
    assert.equal(fromEnv.retryMode, "standard");
    const fromOptions = await resolveWith(
      profile,
      { AWS_MAX_ATTEMPTS: "2" },
      { maxAttempts: 5, retryMode: "standard" },
    );
    assert.equal(fromOptions.maxAttempts, 5);
    assert.equal(fromOptions.retryMode, "standard");
    const none = await resolveWith("", {});
    assert.equal(none.maxAttempts, 3);
    assert.equal(none.retryMode, "standard");
  });

  it("reject bad values", async () => {
    for (const [vars, field] of [
      [{ AWS_MAX_ATTEMPTS: "0" }, "AWS_MAX_ATTEMPTS"],
      [{ AWS_MAX_ATTEMPTS: "three" }, "AWS_MAX_ATTEMPTS"],
      [{ AWS_RETRY_MODE: "fast" }, "AWS_RETRY_MODE"],
    ] as const) {
      await assert.rejects(resolveWith("", vars), (e: unknown) => isValidationError(e) && e.field === field);
    }
    await assert.rejects(
      resolveWith("", {}, { retryMode: "turbo" as "standard" }),
      (e: unknown) => isValidationError(e) && e.field === "retryMode",
    );
  });
});

describe("clients read the profile", () => {
  let server: Loopback;
  before(async () => {
    server = await startLoopback(() => json({ QueueUrls: [] }));
  });
  after(() => server.close());

  it("sends to the profile's services endpoint, signed for the profile's region", async () => {
    const tmp = tempFiles({
      config: `[profile dev]\nregion = eu-central-1\nservices = dev-services\n[services dev-services]\nsqs =\n  endpoint_url = ${server.endpoint}\n`,
    });
    try {
      await withEnv({ AWS_CONFIG_FILE: tmp.path("config") }, async () => {
        const sqs = new SQS({ profile: "dev", credentials: TEST_CREDENTIALS });
        assert.equal(sqs.region, "eu-central-1");
        assert.equal(sqs.endpoint, server.endpoint);
        await sqs.listQueues({});
        const request = server.requests.at(-1)!;
        assert.match(request.headers.authorization ?? "", /\/eu-central-1\/sqs\/aws4_request/);
        assert.equal(request.signatureValid, true);
      });
    } finally {
      tmp.remove();
    }
  });

  it("without process.getBuiltinModule (Node < 20.16, below the package's floor) reads no files and says so", async () => {
    const tmp = tempFiles({
      config: `[default]\nregion = eu-west-3\nservices = s\n[services s]\nsqs =\n  endpoint_url = ${server.endpoint}\n`,
    });
    const proc = process as { getBuiltinModule?: unknown };
    const original = proc.getBuiltinModule;
    try {
      await withEnv({ AWS_CONFIG_FILE: tmp.path("config") }, async () => {
        proc.getBuiltinModule = undefined; // as on Node < 20.16: no import() fallback any more
        const sqs = new SQS({ credentials: TEST_CREDENTIALS });
        await assert.rejects(
          sqs.listQueues({}),
          (error: Error) => isAsyncAwsError(error) && /region/.test(error.message),
        );
      });
    } finally {
      proc.getBuiltinModule = original;
      tmp.remove();
    }
  });

  it("STS uses its regional endpoint, or its own services entry", async () => {
    await withEnv({}, () => {
      assert.equal(new STS({ region: "eu-west-1" }).endpoint, "https://sts.eu-west-1.amazonaws.com");
      assert.equal(new STS({ region: "cn-north-1" }).endpoint, "https://sts.cn-north-1.amazonaws.com.cn");
      assert.equal(
        new STS({ region: "us-east-1", useFipsEndpoint: true }).endpoint,
        "https://sts-fips.us-east-1.amazonaws.com",
      );
      process.env.AWS_ENDPOINT_URL_STS = "http://127.0.0.1:9999";
      assert.equal(new STS({ region: "eu-west-1" }).endpoint, "http://127.0.0.1:9999");
      assert.equal(new SQS({ region: "eu-west-1" }).endpoint, "https://sqs.eu-west-1.amazonaws.com");
    });
  });

  it("checks the new options", async () => {
    await withEnv({}, () => {
      assert.throws(
        () => new SQS({ profile: "" }),
        (e: unknown) => isValidationError(e) && e.field === "profile",
      );
      assert.throws(
        () => new SQS({ useFipsEndpoint: "yes" as unknown as boolean }),
        (e: unknown) => isValidationError(e) && e.field === "useFipsEndpoint",
      );
      assert.throws(
        () => new SQS({ retryMode: "fast" as "standard" }),
        (e: unknown) => isValidationError(e) && e.field === "retryMode",
      );
      assert.throws(
        () => new SQS({ maxAttempts: 0 }),
        (e: unknown) => isValidationError(e) && e.field === "maxAttempts",
      );
    });
  });
});

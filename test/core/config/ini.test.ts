import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseIni } from "../../../src/core/config/ini.js";
import {
  arrange,
  loadSharedFiles,
  loadSharedFilesSync,
  profileName,
} from "../../../src/core/config/profile.js";
import { tempFiles, withEnv } from "../credentials/helpers.js";

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("parseIni", () => {
  it("reads sections and properties, trimming names and values", () => {
    const file = parseIni(
      "ignored = before any section\n[default]\nregion = eu-west-1\n[ profile dev ]\noutput=json\n",
    );
    assert.deepEqual(plain(file), { default: { region: "eu-west-1" }, "profile dev": { output: "json" } });
  });

  it("skips whole-line comments and strips comments that follow whitespace", () => {
    const file = parseIni(
      [
        "# a comment",
        "; another",
        "[default] # the default profile",
        "region = us-east-1 # trailing",
        "output = json ;trailing",
        "url = https://example.com/#fragment",
        "key = value;not-a-comment",
        "  # an indented comment",
      ].join("\n"),
    );
    assert.deepEqual(plain(file), {
      default: {
        region: "us-east-1",
        output: "json",
        url: "https://example.com/#fragment",
        key: "value;not-a-comment",
      },
    });
  });

  it("joins continuation lines and reads sub-sections", () => {
    const file = parseIni(
      [
        "[services local]",
        "sqs =",
        "  endpoint_url = http://127.0.0.1:4566 # emulator",
        "  other = x",
        "sns=",
        "\tendpoint_url=http://127.0.0.1:4567",
        "[profile p]",
        "description = first line",
        "  second line",
        "empty =",
      ].join("\n"),
    );
    assert.deepEqual(plain(file), {
      "services local": {
        sqs: { endpoint_url: "http://127.0.0.1:4566", other: "x" },
        sns: { endpoint_url: "http://127.0.0.1:4567" },
      },
      "profile p": { description: "first line\nsecond line", empty: "" },
    });
  });

  it("lower-cases keys, keeps section case, merges duplicates (later wins)", () => {
    const file = parseIni("[Dev]\nAWS_Access_Key_ID = A\nregion = a\n[Dev]\nregion = b\n");
    assert.deepEqual(plain(file), { Dev: { aws_access_key_id: "A", region: "b" } });
  });

  it("handles CRLF, a BOM, malformed headers and lines without '='", () => {
    const file = parseIni(
      "\uFEFF[default]\r\nregion = eu-west-2\r\nnonsense line\r\n[broken\r\nx = 1\r\n[ok]\r\ny = 2\r\n[] \r\nz = 3\r\n",
    );
    assert.deepEqual(plain(file), { default: { region: "eu-west-2" }, ok: { y: "2" } });
  });

  it("treats __proto__ and constructor as ordinary names", () => {
    const file = parseIni("[__proto__]\nconstructor = x\n__proto__ = y\n");
    const proto = "__proto__";
    const section = file[proto];
    assert.equal(section?.constructor, "x");
    assert.equal(section?.[proto], "y");
    assert.equal(Object.getPrototypeOf({}).polluted, undefined);
  });

  it("keeps values with '=' in them", () => {
    assert.equal(
      parseIni("[a]\ncredential_process = tool --x=1 --y=2\n").a?.credential_process,
      "tool --x=1 --y=2",
    );
  });
});

describe("shared files by profile", () => {
  it("maps [profile x] and [default] in config, [x] in credentials; credentials win", () => {
    const files = arrange(
      parseIni(
        "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n[dev]\nignored = yes\n[sso-session corp]\nsso_region = eu-west-1\n[services svc]\nsqs =\n  endpoint_url = http://x\n",
      ),
      parseIni("[dev]\naws_access_key_id = FROMCREDS\naws_secret_access_key = s\n[profile odd]\nx = 1\n"),
      { configPath: "c", credentialsPath: "k", problems: [], home: undefined },
    );
    assert.deepEqual(plain(files.profiles), {
      default: { region: "us-east-1" },
      dev: { region: "eu-west-1", aws_access_key_id: "FROMCREDS", aws_secret_access_key: "s" },
      "profile odd": { x: "1" },
    });
    assert.deepEqual(plain(files.ssoSessions), { corp: { sso_region: "eu-west-1" } });
    assert.deepEqual(plain(files.services), { svc: { sqs: { endpoint_url: "http://x" } } });
  });

  it("reads the files named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, sync and async", async () => {
    const tmp = tempFiles({
      config: "[profile a]\nregion = ap-south-1\n",
      creds: "[a]\naws_access_key_id = K\n",
    });
    try {
      await withEnv(
        { AWS_CONFIG_FILE: tmp.path("config"), AWS_SHARED_CREDENTIALS_FILE: tmp.path("creds") },
        async () => {
          const sync = loadSharedFilesSync();
          assert.deepEqual(plain(sync?.profiles.a), { region: "ap-south-1", aws_access_key_id: "K" });
          const loaded = await loadSharedFiles();
          assert.deepEqual(plain(loaded.profiles.a), { region: "ap-south-1", aws_access_key_id: "K" });
          assert.deepEqual(loaded.problems, []);
        },
      );
    } finally {
      tmp.remove();
    }
  });

  it("reads ~/.aws under HOME, treats missing files as empty and reports unreadable ones", async () => {
    await withEnv({}, async (home) => {
      assert.deepEqual(plain(loadSharedFilesSync()?.profiles), {});
      const { writeFileSync, mkdirSync } = await import("node:fs");
      mkdirSync(`${home}/.aws`);
      writeFileSync(`${home}/.aws/credentials`, "[default]\naws_access_key_id = HOMEKEY\n");
      assert.equal(loadSharedFilesSync()?.profiles.default?.aws_access_key_id, "HOMEKEY");
      mkdirSync(`${home}/dir-not-file`);
      process.env.AWS_CONFIG_FILE = `${home}/dir-not-file`;
      const files = loadSharedFilesSync()!;
      assert.equal(files.problems.length, 1);
      assert.match(files.problems[0]!, /could not read .*dir-not-file: EISDIR/);
    });
  });

  it("expands ~ in file paths", async () => {
    await withEnv({}, async (home) => {
      const { writeFileSync, mkdirSync } = await import("node:fs");
      mkdirSync(`${home}/cfg`, { recursive: true });
      writeFileSync(`${home}/cfg/config`, "[default]\nregion = sa-east-1\n");
      process.env.AWS_CONFIG_FILE = "~/cfg/config";
      assert.equal(loadSharedFilesSync()?.profiles.default?.region, "sa-east-1");
    });
  });

  it("chooses the profile: option, AWS_PROFILE, AWS_DEFAULT_PROFILE, default", async () => {
    await withEnv({}, () => {
      assert.equal(profileName(), "default");
      process.env.AWS_DEFAULT_PROFILE = "b";
      assert.equal(profileName(), "b");
      process.env.AWS_PROFILE = "a";
      assert.equal(profileName(), "a");
      assert.equal(profileName("c"), "c");
    });
  });
});

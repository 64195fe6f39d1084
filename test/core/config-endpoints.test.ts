// The public endpoints that core/config.ts computes (`defaultEndpoint`, `partitionOf`) checked
// against AWS's own endpoint rules, not against a list of expected URLs: a small interpreter here
// runs the endpoint rule sets of SQS, SNS, STS and the SSO portal (test/fixtures/endpoints, copied
// from ../shared/aws-models, see its README) with AWS's partitions, for every region the
// partitions name (their global pseudo-regions included) and some they do not, with and without
// FIPS and dual-stack, and each URL the rules give must be the one the client computes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { defaultEndpoint, PARTITIONS, partitionOf } from "../../src/core/config.js";

const FIXTURES = new URL("../../../test/fixtures/endpoints/", import.meta.url);
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));

interface PartitionsFile {
  partitions: {
    id: string;
    regionRegex: string;
    regions: Record<string, unknown>;
    outputs: Record<string, unknown>;
  }[];
}
type Expr = string | boolean | { ref: string } | { fn: string; argv: Expr[] };
interface Condition {
  fn: string;
  argv: Expr[];
  assign?: string;
}
interface Rule {
  type: "tree" | "endpoint" | "error";
  conditions: Condition[];
  rules?: Rule[];
  endpoint?: { url: Expr };
  error?: Expr;
}
type Scope = Record<string, unknown>;

const partitions = read("partitions.json") as PartitionsFile;

/** The rules' `aws.partition`: a region the partitions list, else one their patterns match, else aws. */
function awsPartition(region: string): Record<string, unknown> {
  const found =
    partitions.partitions.find((p) => region in p.regions) ??
    partitions.partitions.find((p) => new RegExp(p.regionRegex).test(region)) ??
    partitions.partitions.find((p) => p.id === "aws")!;
  return { name: found.id, ...found.outputs };
}

function evaluate(expr: Expr, scope: Scope): unknown {
  if (typeof expr === "boolean") return expr;
  if (typeof expr === "string") {
    return expr.replace(/\{([^}#]+)(?:#([^}]+))?\}/g, (_, name: string, attr?: string) => {
      const value = scope[name];
      return String(attr === undefined ? value : (value as Record<string, unknown>)[attr]);
    });
  }
  if ("ref" in expr) return scope[expr.ref];
  const args = expr.argv.map((arg) => evaluate(arg, scope));
  switch (expr.fn) {
    case "isSet":
      return args[0] !== undefined;
    case "not":
      return !args[0];
    case "booleanEquals":
    case "stringEquals":
      return args[0] === args[1];
    case "getAttr":
      return (args[0] as Record<string, unknown>)[args[1] as string];
    case "aws.partition":
      return awsPartition(args[0] as string);
    default:
      throw new Error(`the interpreter does not know ${expr.fn}`);
  }
}

/** Runs a rule list: the URL of the first endpoint rule reached, or the error's text. */
function run(rules: Rule[], scope: Scope): { url: string } | { error: string } | undefined {
  for (const rule of rules) {
    const inner = { ...scope };
    const matched = rule.conditions.every((condition) => {
      const value = evaluate(condition as Expr, inner);
      if (condition.assign !== undefined) inner[condition.assign] = value;
      return value !== undefined && value !== false;
    });
    if (!matched) continue;
    if (rule.type === "endpoint") return { url: evaluate(rule.endpoint!.url, inner) as string };
    if (rule.type === "error") return { error: evaluate(rule.error!, inner) as string };
    const found = run(rule.rules!, inner);
    if (found) return found;
  }
  return undefined;
}

const SERVICES = [
  ["sqs", "sqs.json"],
  ["sns", "sns.json"],
  ["sts", "sts.json"],
  ["portal.sso", "sso.json"],
] as const;

const REGIONS = [
  ...partitions.partitions.flatMap((p) => Object.keys(p.regions)),
  // Regions the partitions do not list yet: their patterns decide (unknown ones fall in aws).
  "eu-central-3",
  "cn-southwest-1",
  "us-gov-central-1",
  "eusc-de-west-1",
  "us-iso-south-1",
  "us-isob-south-1",
  "eu-isoe-east-1",
  "us-isof-west-1",
  "mars-central-1",
];

/**
 * Where the client differs from the rules (what it computes), none of them a region in use:
 * SNS's rules name GovCloud's two regions for their FIPS endpoints without `-fips` and give other
 * GovCloud regions `sns-fips` (the client drops `-fips` in the whole partition, as the other
 * services' rules do); STS's rules send the `aws-global` pseudo-region to the global endpoint.
 */
const KNOWN: Record<string, string> = {
  "sns aws-us-gov-global fips": "https://sns.aws-us-gov-global.amazonaws.com",
  "sns us-gov-central-1 fips": "https://sns.us-gov-central-1.amazonaws.com",
  "sts aws-global": "https://sts.aws-global.amazonaws.com",
};

describe("public endpoints against AWS's endpoint rules", () => {
  for (const [prefix, file] of SERVICES) {
    it(`${prefix}: every region, with and without FIPS and dual-stack`, () => {
      const ruleSet = read(file) as { rules: Rule[] };
      let compared = 0;
      for (const region of REGIONS) {
        for (const useFips of [false, true]) {
          for (const useDualstack of [false, true]) {
            // STS's regional endpoints (UseGlobalEndpoint false, the SDKs' default since 2022).
            const outcome = run(ruleSet.rules, {
              Region: region,
              UseFIPS: useFips,
              UseDualStack: useDualstack,
              UseGlobalEndpoint: false,
            });
            assert.ok(outcome, `no rule matched ${region}`);
            assert.ok(
              "url" in outcome,
              `${prefix} ${region} fips ${useFips} dual ${useDualstack}: ${JSON.stringify(outcome)}`,
            );
            const label = `${prefix} ${region}${useFips ? " fips" : ""}${useDualstack ? " dual-stack" : ""}`;
            const ours = defaultEndpoint(prefix, region, { useFips, useDualstack });
            if (label in KNOWN) {
              assert.equal(ours, KNOWN[label], label);
              assert.notEqual(ours, outcome.url, `${label} now agrees with the rules: remove it from KNOWN`);
              continue;
            }
            assert.equal(ours, outcome.url, label);
            compared++;
          }
        }
      }
      assert.ok(compared >= REGIONS.length * 4 - 2);
    });
  }

  it("partitionOf names the partition the rules find, and the table holds every partition of AWS's file", () => {
    for (const region of REGIONS) {
      const expected = awsPartition(region);
      const partition = partitionOf(region);
      assert.equal(partition.id, expected.name, region);
      assert.equal(partition.dnsSuffix, expected.dnsSuffix, region);
      assert.equal(partition.dualStackDnsSuffix, expected.dualStackDnsSuffix, region);
    }
    assert.deepEqual(PARTITIONS.map((p) => p.id).sort(), partitions.partitions.map((p) => p.id).sort());
  });
});

/**
 * The AWS STS client: one method per STS action, on the AWS Query protocol and the regional STS
 * endpoint (`https://sts.{region}.amazonaws.com`, FIPS and dual-stack on request). The
 * credential providers use it for AssumeRole and AssumeRoleWithWebIdentity.
 *
 * @module
 */

import {
  type ClientOptions,
  defineOperations,
  type OperationSpec,
  ServiceClient,
  type ServiceInfo,
  // biome-ignore lint/suspicious/noImportCycles: the one allowed cycle, credential chain <-> STS (see core/credentials/sts.ts)
} from "../core/client.js";
import { type ErrorContext, ValidationError } from "../core/errors.js";
import { queryProtocol } from "../core/protocol/aws-query.js";
import type { STSMethods } from "./methods.js";
import { operations, paginators } from "./schema.js";

/** Options of the {@link STS} client. */
export interface STSOptions extends ClientOptions {}

const STS_INFO: ServiceInfo = {
  signingName: "sts",
  endpointPrefix: "sts",
  envKey: "STS",
  resourceKeys: ["RoleArn"],
};

/** Checks that required string members are present, without ever quoting secret ones. */
function requireStrings(
  names: readonly string[],
  secret: ReadonlySet<string> = new Set(),
): (input: never, context: ErrorContext) => void {
  return (input, context) => {
    const record = input as Record<string, unknown>;
    for (const name of names) {
      const value = record[name];
      if (typeof value !== "string" || value === "") {
        throw new ValidationError(
          name,
          "a non-empty string",
          secret.has(name) && typeof value === "string" ? "(an empty string)" : value,
          context,
        );
      }
    }
    const duration = record.DurationSeconds;
    if (
      duration !== undefined &&
      (typeof duration !== "number" || !Number.isInteger(duration) || duration < 900 || duration > 43200)
    ) {
      throw new ValidationError("DurationSeconds", "an integer from 900 to 43200", duration, context);
    }
  };
}

/** The operations, with their checks; the web identity and SAML actions are sent unsigned. */
const stsOperations: Record<string, OperationSpec> = {
  ...operations,
  AssumeRole: { ...operations.AssumeRole, validate: requireStrings(["RoleArn", "RoleSessionName"]) },
  AssumeRoleWithWebIdentity: {
    ...operations.AssumeRoleWithWebIdentity,
    unsigned: true,
    validate: requireStrings(
      ["RoleArn", "RoleSessionName", "WebIdentityToken"],
      new Set(["WebIdentityToken"]),
    ),
  },
  AssumeRoleWithSAML: { ...operations.AssumeRoleWithSAML, unsigned: true },
};

/**
 * An AWS STS client: one method per STS action, named as the action in lowerCamelCase, taking and
 * returning AWS's own shapes.
 *
 * @example
 * ```ts
 * const sts = new STS({ region: "eu-west-1" });
 * const { Account, Arn } = await sts.getCallerIdentity({});
 * const { Credentials } = await sts.assumeRole({ RoleArn: "arn:aws:iam::123456789012:role/ops", RoleSessionName: "me" });
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the methods come from the operation table (defineOperations below)
export class STS extends ServiceClient {
  constructor(options: STSOptions = {}) {
    super(STS_INFO, queryProtocol("2011-06-15"), options);
  }
}

// The typed methods, declared by the generated interface and defined from the table.
export interface STS extends STSMethods {}
defineOperations(STS, stsOperations, paginators);

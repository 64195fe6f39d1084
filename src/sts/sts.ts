/**
 * The AWS STS client: one method per STS action, derived from the operation table. The credential
 * providers use it for AssumeRole and AssumeRoleWithWebIdentity.
 *
 * @module
 */

import { defineLazyOperations } from "../core/operation.js";
import { withObserver } from "../observability/request.js";
// biome-ignore lint/suspicious/noImportCycles: the one allowed cycle, credential chain <-> STS (see core/credentials/sts.ts)
import { STSClient, type STSOptions } from "./client.js";
import type { STSMethods } from "./methods.js";

/**
 * An AWS STS client: one method per STS action, named as the action in lowerCamelCase, taking and
 * returning AWS's own shapes. The web identity and SAML actions are sent unsigned.
 *
 * @example
 * ```ts
 * const sts = new STS({ region: "eu-west-1" });
 * const { Account, Arn } = await sts.getCallerIdentity({});
 * const { Credentials } = await sts.assumeRole({ RoleArn: "arn:aws:iam::123456789012:role/ops", RoleSessionName: "me" });
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the methods come from the operation table (defineOperations below)
export class STS extends STSClient {
  /** @param options - as {@link STSOptions} says; `hooks` as a plain object, or made by `observe` */
  constructor(options: STSOptions = {}) {
    super(withObserver(options));
  }
}

/**
 * @internal STS's actions, in the order of its operation table (`operations.ts`): the methods are
 * defined from these names, and the table is loaded at the first call of one of them. A test
 * checks them against the table.
 */
export const STS_ACTIONS = [
  "AssumeRole",
  "AssumeRoleWithSAML",
  "AssumeRoleWithWebIdentity",
  "AssumeRoot",
  "DecodeAuthorizationMessage",
  "GetAccessKeyInfo",
  "GetCallerIdentity",
  "GetDelegatedAccessToken",
  "GetFederationToken",
  "GetSessionToken",
  "GetWebIdentityToken",
] as const;

// The typed methods, declared by the generated interface and defined from the table.
export interface STS extends STSMethods {}
defineLazyOperations(STS, STS_ACTIONS, [], () => import("./operations.js"));

/**
 * The caller's AWS account id, as STS GetCallerIdentity gives it, cached per access key: what a
 * handle needs to turn a resource name into its ARN without creating or listing anything (a
 * topic name into `arn:<partition>:sns:<region>:<account>:<name>`). GetCallerIdentity needs no
 * permission, so a publisher allowed only `sns:Publish` can still name its topic.
 *
 * Core code: the one STS action is described here as data, on the Query protocol every client
 * already has, so that no service imports another and no bundle gets the STS client for it.
 *
 * @module
 */

import { type BareClientOptions, CALL, type CallOptions, ServiceClient, type ServiceInfo } from "./client.js";
import type { CredentialsProvider } from "./credentials/types.js";
import {
  AsyncAwsError,
  CredentialsError,
  type ErrorContext,
  isAbortError,
  isAsyncAwsError,
  isCredentialsError,
} from "./errors.js";
import { Resolved } from "./handle.js";
import type { OperationShape } from "./schema.js";

const STS_INFO: ServiceInfo = { signingName: "sts", endpointPrefix: "sts", envKey: "STS", resourceKeys: [] };

const GetCallerIdentity: OperationShape = {
  name: "GetCallerIdentity",
  input: { type: "structure", members: {} },
  output: {
    type: "structure",
    members: { UserId: { shape: "s" }, Account: { shape: "s" }, Arn: { shape: "s" } },
  },
  resultWrapper: "GetCallerIdentityResult",
};

/**
 * Accounts by access key id, shared by every client of the process (a key belongs to one account):
 * each resolved once for every caller waiting, each caller on its own signal and deadline, the
 * lookup aborted once none waits any more (see `Resolved`).
 */
const accounts = new Map<string, Resolved<string>>();
const MAX_CACHED = 64;

/**
 * Finds the caller's account for a client: one GetCallerIdentity per access key id in the process,
 * shared by concurrent callers; a failure is not cached.
 */
export class CallerAccount {
  readonly #credentials: CredentialsProvider;
  readonly #options: BareClientOptions;
  #sts: ServiceClient | undefined;

  /**
   * @param credentials - the client's own credentials provider (no second credential chain)
   * @param options - the client's options: region, retries, `fetch`, hooks; its `endpoint`, when
   *   given, is used for STS too (emulators answer STS on the same endpoint), else STS's own
   *   endpoint is resolved as usual (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the profile, the
   *   region's public endpoint)
   */
  constructor(credentials: CredentialsProvider, options: BareClientOptions) {
    this.#credentials = credentials;
    this.#options = options;
  }

  /** The account id (12 digits). */
  async get(context: ErrorContext, options?: CallOptions): Promise<string> {
    let credentials: { accessKeyId?: unknown } | undefined;
    try {
      credentials = await this.#credentials();
    } catch (error) {
      if (isAsyncAwsError(error)) throw error;
      const inner = error instanceof Error ? error.message : String(error);
      throw new CredentialsError(`the credentials provider failed: ${inner}`, [], context, { cause: error });
    }
    // Bad credentials: no caching; the call itself reports them as every call does.
    if (typeof credentials?.accessKeyId !== "string") return this.#lookup(context, options);
    const key = credentials.accessKeyId;
    let account = accounts.get(key);
    if (!account) {
      account = new Resolved<string>();
      accounts.set(key, account);
      if (accounts.size > MAX_CACHED) accounts.delete(accounts.keys().next().value as string);
    }
    // A failed lookup is not kept: the next caller looks again.
    return account.getFor(options, (shared) => this.#lookup(context, shared), context);
  }

  async #lookup(context: ErrorContext, options?: CallOptions): Promise<string> {
    // The AWS Query protocol (with its XML reader) is loaded at the first lookup.
    const protocol = () => import("./protocol/aws-query.js").then((m) => m.queryProtocol("2011-06-15"));
    this.#sts ??= new ServiceClient(STS_INFO, protocol, {
      ...this.#options,
      credentials: this.#credentials,
    });
    let output: { Account?: unknown };
    try {
      output = (await this.#sts[CALL](GetCallerIdentity, {}, options)) as { Account?: unknown };
    } catch (error) {
      if (isAbortError(error) || isCredentialsError(error)) throw error;
      throw new AsyncAwsError(
        `the caller's account, needed to build the ARN from a name, could not be found with STS GetCallerIdentity (${
          error instanceof Error ? error.message : String(error)
        }); give the ARN, or the accountId option`,
        context,
        { cause: error },
      );
    }
    if (typeof output.Account !== "string" || !/^\d{12}$/.test(output.Account)) {
      throw new AsyncAwsError("STS GetCallerIdentity returned no 12-digit Account", context);
    }
    return output.Account;
  }
}

/** @internal Forgets every cached account (tests). */
export function clearCallerAccounts(): void {
  accounts.clear();
}

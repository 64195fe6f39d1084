/**
 * The SNS client with one method per action, derived from the operation table, and topic handles.
 *
 * @module
 */

import type { CallerAccount } from "../core/account.js";
import {
  type BareClientOptions,
  CALL,
  type CallOptions,
  CREDENTIALS,
  type OperationSpec,
} from "../core/client.js";
import type { ErrorContext } from "../core/errors.js";
import { defineLazyOperations } from "../core/operation.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import { withObserver } from "../observability/request.js";
import {
  type ClientPayloads,
  clientPayloads,
  LARGE_PAYLOADS,
  resolveLargePayloads,
} from "../payloads/options.js";
import { CALLER_ACCOUNT, SNSClient, type SNSOptions } from "./client.js";
import type { SNSMethods } from "./methods.js";
import { TopicHandle, type TopicOptions } from "./topic.js";
import { TypedTopicHandle, type TypedTopicOptions } from "./typed-topic.js";

/** SNS's largest message, with its attributes. */
const MAX_SNS_MESSAGE_BYTES = 262_144;

/**
 * An Amazon SNS client: one method per SNS action, named as the action in lowerCamelCase, taking
 * and returning AWS's own shapes; plus {@link SNS.topic | topic handles} for the common work.
 *
 * Error codes on {@link ServiceError.code} are SNS's wire codes (`NotFound`, `InvalidParameter`,
 * `AuthorizationError`), as AWS's documentation and the AWS CLI show them.
 *
 * @example
 * ```ts
 * const sns = new SNS({ region: "eu-west-1" });
 * const { TopicArn } = await sns.createTopic({ Name: "events" });
 * await sns.publish({ TopicArn, Message: "Hello, World!" });
 * for await (const page of sns.paginateListTopics({})) console.log(page.Topics);
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the methods come from the operation table (defineOperations below)
export class SNS extends SNSClient {
  readonly #topics = new Map<string, TopicHandle>();

  /** The payload store's interceptor (loaded on first use), when `largePayloads` is set. */
  #payloads: ClientPayloads | undefined;
  /** The options, hooks made an observer (for the STS client of the account lookup). */
  readonly #options: BareClientOptions<SNSOptions>;
  #account: CallerAccount | undefined;

  /** @param options - as {@link SNSOptions} says; `hooks` as a plain object, or made by `observe` */
  constructor(options: SNSOptions = {}) {
    // Plain hooks become an observer here, for this client and those it makes (STS, S3).
    const bare = withObserver(options);
    super(bare);
    this.#options = bare;
    if (bare?.largePayloads !== undefined) {
      const resolved = resolveLargePayloads(bare.largePayloads, MAX_SNS_MESSAGE_BYTES, bare);
      this.#payloads = clientPayloads(resolved, () =>
        import("../payloads/sns.js").then((m) => m.snsPayloads(resolved)),
      );
    }
  }

  /** @internal The payload store, when `largePayloads` is set (batches are sized after offloading). */
  get [LARGE_PAYLOADS](): ClientPayloads | undefined {
    return this.#payloads;
  }

  /** @internal Runs one operation, through the payload store when there is one. */
  override [CALL](op: OperationSpec, input: object | undefined, options?: CallOptions): Promise<unknown> {
    const payloads = this.#payloads;
    if (payloads === undefined) return super[CALL](op, input, options);
    return payloads.call(op, input, options, (next) => super[CALL](op, next, options));
  }

  /** @internal The caller's account id (STS GetCallerIdentity, cached per access key). */
  async [CALLER_ACCOUNT](context: ErrorContext, options?: CallOptions): Promise<string> {
    // Loaded at the first lookup (core/account.ts, with its STS call): most programs never need it.
    const { CallerAccount } = await import("../core/account.js");
    const { largePayloads: _, ...clientOptions } = this.#options;
    this.#account ??= new CallerAccount(this[CREDENTIALS], clientOptions);
    return this.#account.get(context, options);
  }

  /**
   * A handle on one topic, by name or ARN. Making a handle creates nothing and sends nothing. A
   * name is resolved to its ARN once, at the first call, and cached: built from the region's
   * partition, the region and the caller's account (STS GetCallerIdentity, one call per access key
   * in the process), or from `accountId` with no call at all. A topic that does not exist then
   * fails the first call with SNS's `NotFound`. With `{ create: true }` the name is resolved with
   * CreateTopic instead, which creates the topic when there is none. Handles without options are
   * cached: the same name gives the same handle.
   *
   * @example
   * ```ts
   * const events = sns.topic("events");
   * await events.publish({ type: "order.created", id: 42 });
   * await events.subscribeQueue(sqs.queue("orders"), { raw: true });
   * const audit = sns.topic("audit", { create: true }); // created at the first call if missing
   * ```
   */
  topic<S extends StandardSchemaV1>(nameOrArn: string, options: TypedTopicOptions<S>): TypedTopicHandle<S>;
  topic(nameOrArn: string, options?: TopicOptions | undefined): TopicHandle;
  topic(
    nameOrArn: string,
    options?: TopicOptions & Partial<TypedTopicOptions<StandardSchemaV1>>,
  ): TopicHandle | TypedTopicHandle<StandardSchemaV1> {
    if (options?.schema !== undefined) {
      // A typed handle wraps the untyped one (cached as usual when no other option is given).
      const { schema, ...rest } = options;
      const base = Object.values(rest).some((value) => value !== undefined)
        ? this.topic(nameOrArn, rest)
        : this.topic(nameOrArn);
      return new TypedTopicHandle(base, schema);
    }
    if (options) return new TopicHandle(this, nameOrArn, options);
    let topic = this.#topics.get(nameOrArn);
    if (!topic) {
      topic = new TopicHandle(this, nameOrArn);
      this.#topics.set(nameOrArn, topic);
    }
    return topic;
  }
}

/**
 * @internal SNS's actions, in the order of its operation table (`operations.ts`), and those with a
 * paginator: the methods are defined from these names, and the table (the shapes and validators,
 * about 45 KB of code) is loaded at the first call of one of them. A test checks them against the table.
 */
export const SNS_ACTIONS = [
  "AddPermission",
  "CheckIfPhoneNumberIsOptedOut",
  "ConfirmSubscription",
  "CreatePlatformApplication",
  "CreatePlatformEndpoint",
  "CreateSMSSandboxPhoneNumber",
  "CreateTopic",
  "DeleteEndpoint",
  "DeletePlatformApplication",
  "DeleteSMSSandboxPhoneNumber",
  "DeleteTopic",
  "GetDataProtectionPolicy",
  "GetEndpointAttributes",
  "GetPlatformApplicationAttributes",
  "GetSMSAttributes",
  "GetSMSSandboxAccountStatus",
  "GetSubscriptionAttributes",
  "GetTopicAttributes",
  "ListEndpointsByPlatformApplication",
  "ListOriginationNumbers",
  "ListPhoneNumbersOptedOut",
  "ListPlatformApplications",
  "ListSMSSandboxPhoneNumbers",
  "ListSubscriptions",
  "ListSubscriptionsByTopic",
  "ListTagsForResource",
  "ListTopics",
  "OptInPhoneNumber",
  "Publish",
  "PublishBatch",
  "PutDataProtectionPolicy",
  "RemovePermission",
  "SetEndpointAttributes",
  "SetPlatformApplicationAttributes",
  "SetSMSAttributes",
  "SetSubscriptionAttributes",
  "SetTopicAttributes",
  "Subscribe",
  "TagResource",
  "Unsubscribe",
  "UntagResource",
  "VerifySMSSandboxPhoneNumber",
] as const;
/** @internal SNS's actions with a paginator (`paginate<Action>` methods). */
export const SNS_PAGINATED = [
  "ListEndpointsByPlatformApplication",
  "ListOriginationNumbers",
  "ListPhoneNumbersOptedOut",
  "ListPlatformApplications",
  "ListSMSSandboxPhoneNumbers",
  "ListSubscriptions",
  "ListSubscriptionsByTopic",
  "ListTopics",
] as const;

// The typed methods, declared by the generated interface and defined from the table, loaded on first use.
export interface SNS extends SNSMethods {}
defineLazyOperations(SNS, SNS_ACTIONS, SNS_PAGINATED, () => import("./operations.js"));

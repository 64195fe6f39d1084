/**
 * Large payloads on SNS, as the SNS extended client for Java sends them: Publish and
 * PublishBatch offload messages over the threshold to S3, the pointer as the message and the
 * marker as a message attribute. A queue subscribed with raw delivery receives the pointer as
 * its body; without raw delivery, inside the envelope: an SQS client with `largePayloads` reads
 * both. `MessageStructure: "json"` cannot go through S3. Loaded by the SNS client on first use.
 *
 * @module
 */

import type { CallOptions, OperationSpec } from "../core/client.js";
import { type ErrorContext, ValidationError } from "../core/errors.js";
import type { PublishBatchInput, PublishInput } from "../sns/types.js";
import type { AttributeValue } from "./codec.js";
import type { PayloadInterceptor, ResolvedLargePayloads } from "./options.js";
import { mapLimit, PayloadStore } from "./store.js";

function contextOf(op: OperationSpec, input: object): ErrorContext {
  const { TopicArn, TargetArn } = input as { TopicArn?: unknown; TargetArn?: unknown };
  const resource =
    typeof TopicArn === "string" ? TopicArn : typeof TargetArn === "string" ? TargetArn : undefined;
  return { operation: op.name, resource };
}

interface Publishable {
  Message?: unknown;
  MessageAttributes?: unknown;
  MessageStructure?: unknown;
}

/** The interceptor of an SNS client with `largePayloads`. */
export function snsPayloads(options: ResolvedLargePayloads): PayloadInterceptor {
  const store = new PayloadStore(options);

  /** Whether this message goes through S3 (checking the rules on the way). */
  function wants(entry: Publishable, field: string, context: ErrorContext): boolean {
    const attributes = entry.MessageAttributes as Record<string, AttributeValue> | undefined;
    store.checkAttributes(attributes, `${field}MessageAttributes`, context);
    if (typeof entry.Message !== "string" || PayloadStore.isOffloaded(attributes)) return false;
    if (!store.shouldOffload({ body: entry.Message, attributes })) return false;
    if (entry.MessageStructure === "json") {
      throw new ValidationError(
        `${field}MessageStructure`,
        'not "json" for a message that goes through S3',
        entry.MessageStructure,
        context,
      );
    }
    return true;
  }

  async function offload<T extends Publishable>(entry: T, call: CallOptions | undefined): Promise<T> {
    const done = await store.offload(
      {
        body: entry.Message as string,
        attributes: entry.MessageAttributes as Record<string, AttributeValue> | undefined,
      },
      call,
    );
    return { ...entry, Message: done.body, MessageAttributes: done.attributes };
  }

  return {
    offload: (body, attributes, call) => store.offload({ body, attributes }, call),
    async call(op, input, call, next) {
      if (input === undefined || input === null || typeof input !== "object") return next(input);
      if (op.name === "Publish") {
        const context = contextOf(op, input);
        if (!wants(input as PublishInput, "", context)) return next(input);
        op.validate?.({ ...input, Message: "-" } as never, context);
        return next(await offload(input as PublishInput, call));
      }
      if (op.name === "PublishBatch") {
        const context = contextOf(op, input);
        const entries = (input as PublishBatchInput).PublishBatchRequestEntries;
        if (!Array.isArray(entries)) return next(input);
        const chosen: number[] = [];
        entries.forEach((entry, i) => {
          if (
            entry !== null &&
            typeof entry === "object" &&
            wants(entry, `PublishBatchRequestEntries[${i}].`, context)
          )
            chosen.push(i);
        });
        if (chosen.length === 0) return next(input);
        const placeholder = entries.map((entry, i) =>
          chosen.includes(i) ? { ...entry, Message: "-" } : entry,
        );
        op.validate?.({ ...input, PublishBatchRequestEntries: placeholder } as never, context);
        const sent = entries.slice();
        await mapLimit(chosen, options.maxConcurrency, async (i) => {
          sent[i] = await offload(entries[i]!, call);
        });
        return next({ ...input, PublishBatchRequestEntries: sent });
      }
      return next(input);
    },
  };
}

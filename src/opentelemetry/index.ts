/**
 * OpenTelemetry for asyncaws: `enableOpenTelemetry()` turns the `asyncaws:request` and
 * `asyncaws:process` tracing channels into spans and metrics, and carries the trace through
 * queues and topics. Import from `asyncaws/opentelemetry`; it needs `@opentelemetry/api` (an
 * optional peer dependency, never one of the core) and `node:diagnostics_channel` (Node, Bun,
 * Deno, Workers with `nodejs_compat`).
 *
 * Spans: PRODUCER `send <queue>` / `publish <topic>` for SendMessage[Batch] and Publish[Batch],
 * CLIENT `receive <queue>` for ReceiveMessage (linked to each message's producer) and
 * `<Service>.<Action>` for the rest, CONSUMER `process <queue>` for each handler run of a
 * consumer or `sqsHandler` (`process <topic>` for `snsHandler`): a child of the producer's span
 * for one message, linked to each message's producer for a batch. Metrics: `messaging.client.operation.duration`, `messaging.client.sent.messages`,
 * `messaging.client.consumed.messages`, `messaging.process.duration`.
 *
 * @example
 * ```ts
 * import { enableOpenTelemetry } from "asyncaws/opentelemetry";
 *
 * const disable = enableOpenTelemetry(); // the global tracer and meter providers
 * // ... later, to stop:
 * disable();
 * ```
 *
 * @module opentelemetry
 */

import {
  type Attributes,
  type Context,
  type Counter,
  context,
  createTraceState,
  type Histogram,
  type Link,
  type MeterProvider,
  metrics,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import {
  type DiagnosticsChannelLike,
  diagnosticsChannelSync,
  importDiagnosticsChannel,
  PROCESS_CHANNEL,
  REQUEST_CHANNEL,
} from "../observability/channels.js";
import type { ProcessContext } from "../observability/process.js";
import {
  askForTrace,
  extractTrace,
  injectTrace,
  type TraceIds,
  toXRay,
} from "../observability/propagation.js";
import type { RequestContext } from "../observability/request.js";

export type { ProcessContext } from "../observability/process.js";
export {
  askForTrace,
  extractTrace,
  injectTrace,
  parseTraceparent,
  parseXRay,
  type TraceIds,
  toTraceparent,
  toXRay,
} from "../observability/propagation.js";
export type { ClientHooks, RequestContext } from "../observability/request.js";

/** Options of {@link enableOpenTelemetry}. */
export interface OpenTelemetryOptions {
  /**
   * Where spans go.
   * @default the global tracer provider (`trace.getTracerProvider()`)
   */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Where metrics go.
   * @default the global meter provider (`metrics.getMeterProvider()`)
   */
  meterProvider?: MeterProvider | undefined;
}

const NAME = "asyncaws";
const VERSION = "0.1.0";

// Node releases without process.getBuiltinModule: the module is imported once, here.
const diagnostics: DiagnosticsChannelLike | undefined =
  diagnosticsChannelSync() ?? (await importDiagnosticsChannel());

interface ChannelEvents<C> {
  start?: (message: C) => void;
  end?: (message: C) => void;
  asyncStart?: (message: C) => void;
  asyncEnd?: (message: C) => void;
  error?: (message: C) => void;
}
interface SubscribableChannel<C> {
  subscribe(handlers: ChannelEvents<C>): void;
  unsubscribe(handlers: ChannelEvents<C>): boolean;
}

/** What the subscriber keeps per call or handler run. */
interface Tracked {
  span: Span;
  began: number;
}

/** Attributes that metrics carry (a low-cardinality subset of a span's). */
const METRIC_KEYS = [
  "messaging.system",
  "messaging.operation.name",
  "messaging.operation.type",
  "messaging.destination.name",
  "server.address",
  "error.type",
] as const;

function metricAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const key of METRIC_KEYS) if (attributes[key] !== undefined) out[key] = attributes[key];
  return out;
}

function idsOf(spanContext: SpanContext): TraceIds {
  return {
    traceId: spanContext.traceId,
    spanId: spanContext.spanId,
    sampled: (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
    traceState: spanContext.traceState?.serialize() || undefined,
  };
}

function remoteContext(ids: TraceIds): SpanContext {
  const spanContext: SpanContext = {
    traceId: ids.traceId,
    spanId: ids.spanId,
    traceFlags: ids.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  };
  if (ids.traceState) spanContext.traceState = createTraceState(ids.traceState);
  return spanContext;
}

/** One link per message that carries a trace. */
function linksOf(messages: readonly unknown[]): Link[] {
  const links: Link[] = [];
  for (const message of messages) {
    const ids = extractTrace(message);
    if (ids) links.push({ context: remoteContext(ids) });
  }
  return links;
}

function recordError(span: Span, error: unknown, type: unknown): void {
  if (error instanceof Error) span.recordException(error);
  const message = error instanceof Error ? error.message : typeof type === "string" ? type : "";
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Turns asyncaws's tracing channels into OpenTelemetry spans and metrics, and carries the trace
 * through SQS and SNS: each message sent gets the `AWSTraceHeader` system attribute (X-Ray's
 * format, from the W3C ids) and, while it keeps within 10 attributes, `traceparent` and
 * `tracestate` message attributes; SNS Publish also sends the `X-Amzn-Trace-Id` header. Receives
 * ask for these attributes. Returns a function that turns it all off again.
 *
 * @example
 * ```ts
 * import { enableOpenTelemetry } from "asyncaws/opentelemetry";
 *
 * const disable = enableOpenTelemetry({ tracerProvider, meterProvider });
 * ```
 */
export function enableOpenTelemetry(options: OpenTelemetryOptions = {}): () => void {
  if (!diagnostics) {
    throw new Error(
      "asyncaws/opentelemetry needs node:diagnostics_channel (Node, Bun, Deno, Workers with nodejs_compat); elsewhere use the client's hooks option",
    );
  }
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(NAME, VERSION);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(NAME, VERSION);
  const operationDuration: Histogram = meter.createHistogram("messaging.client.operation.duration", {
    description: "Duration of messaging operations (send, publish, receive)",
    unit: "s",
  });
  const sentMessages: Counter = meter.createCounter("messaging.client.sent.messages", {
    description: "Messages sent (SendMessage, SendMessageBatch, Publish, PublishBatch)",
    unit: "{message}",
  });
  const consumedMessages: Counter = meter.createCounter("messaging.client.consumed.messages", {
    description: "Messages received (ReceiveMessage)",
    unit: "{message}",
  });
  const processDuration: Histogram = meter.createHistogram("messaging.process.duration", {
    description: "Duration of handler runs",
    unit: "s",
  });
  const calls = new WeakMap<object, Tracked>();

  const request: ChannelEvents<RequestContext> = {
    start(call) {
      const parent = context.active();
      const span = tracer.startSpan(
        call.spanName,
        {
          kind: call.spanKind === "producer" ? SpanKind.PRODUCER : SpanKind.CLIENT,
          attributes: call.attributes,
        },
        parent,
      );
      calls.set(call, { span, began: performance.now() });
      const spanContext = span.spanContext();
      if (call.spanKind === "producer" && trace.isSpanContextValid(spanContext)) {
        const ids = idsOf(spanContext);
        call.input = injectTrace(call.operation, call.input, ids) as object | undefined;
        if (call.service === "sns") call.headers = { ...call.headers, "x-amzn-trace-id": toXRay(ids) };
      } else if (call.operation === "ReceiveMessage") {
        call.input = askForTrace(call.input) as object | undefined;
      }
    },
    asyncEnd(call) {
      const tracked = calls.get(call);
      if (!tracked) return;
      calls.delete(call);
      const { span, began } = tracked;
      const attributes = call.attributes;
      const failed = attributes["error.type"] !== undefined;
      const result = call.result as { Messages?: unknown; Successful?: unknown } | undefined;
      if (call.operation === "ReceiveMessage" && Array.isArray(result?.Messages)) {
        const links = linksOf(result.Messages);
        if (links.length > 0 && typeof span.addLinks === "function") span.addLinks(links);
      }
      span.setAttributes(attributes);
      if (failed) recordError(span, call.error, attributes["error.type"]);
      span.end();
      const type = attributes["messaging.operation.type"];
      if (type === undefined) return;
      const metric = metricAttributes(attributes);
      operationDuration.record((performance.now() - began) / 1000, metric);
      if (failed) return;
      if (type === "send") {
        const count = Array.isArray(result?.Successful) ? result.Successful.length : 1;
        if (count > 0) sentMessages.add(count, metric);
      } else if (type === "receive") {
        const count = Array.isArray(result?.Messages) ? result.Messages.length : 0;
        if (count > 0) consumedMessages.add(count, metric);
      }
    },
  };

  const runs = new WeakMap<object, Tracked>();
  const process: ChannelEvents<ProcessContext> = {
    start(run) {
      const links = linksOf(run.messages);
      let parent: Context = context.active();
      if (!run.batch && links[0]) {
        // One message: the process span continues the producer's trace (and links to it).
        parent = trace.setSpanContext(parent, links[0].context);
      }
      const span = tracer.startSpan(
        run.spanName,
        { kind: SpanKind.CONSUMER, attributes: run.attributes, links },
        parent,
      );
      runs.set(run, { span, began: performance.now() });
      const active = trace.setSpan(parent, span);
      run.bind = (fn) => context.with(active, fn);
    },
    asyncEnd(run) {
      const tracked = runs.get(run);
      if (!tracked) return;
      runs.delete(run);
      const { span, began } = tracked;
      span.setAttributes(run.attributes);
      if (run.outcome === "failure") recordError(span, run.error, run.attributes["error.type"]);
      span.end();
      processDuration.record((performance.now() - began) / 1000, metricAttributes(run.attributes));
    },
  };

  const requestChannel = diagnostics.tracingChannel(
    REQUEST_CHANNEL,
  ) as unknown as SubscribableChannel<RequestContext>;
  const processChannel = diagnostics.tracingChannel(
    PROCESS_CHANNEL,
  ) as unknown as SubscribableChannel<ProcessContext>;
  requestChannel.subscribe(request);
  processChannel.subscribe(process);
  let enabled = true;
  return () => {
    if (!enabled) return;
    enabled = false;
    requestChannel.unsubscribe(request);
    processChannel.unsubscribe(process);
  };
}

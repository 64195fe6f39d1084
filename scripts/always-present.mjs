/**
 * Output members that Amazon SQS, Amazon SNS and AWS STS always return, read by
 * `scripts/gen-models.mjs`: the generated types declare them as present (`QueueUrl: string`,
 * not `QueueUrl?: string`), so that a user needs no `!` or check for what cannot be missing.
 *
 * AWS's models mark almost no output member as required (a model's `required` is a promise about
 * input), so this list says what the services' documentation and their answers do: the member is
 * in every successful response of the action. A member belongs here only when that holds for
 * every response, whatever the input (so not `ReceiveMessage`'s `Messages`, absent when no
 * message came, nor `SendMessage`'s `MD5OfMessageAttributes`, absent without attributes).
 * Members the model already marks as required (SQS's batch results' `Successful` and `Failed`,
 * their entries' `Id`) need no entry here.
 *
 * The generator fails when an entry names a shape or member the model does not have, or a
 * structure that some action also takes as input (where `required` would change what a caller
 * must pass). The types change; the wire does not: the decoders are as lenient as before.
 */
export const ALWAYS_PRESENT = {
  sqs: [
    // The queue's URL: the whole point of both actions.
    "CreateQueueResult.QueueUrl",
    "GetQueueUrlResult.QueueUrl",
    // Every received message has its id, receipt handle, body and the body's digest.
    "Message.MessageId",
    "Message.ReceiptHandle",
    "Message.Body",
    "Message.MD5OfBody",
    // A sent message has an id and the digest of its (never empty) body.
    "SendMessageResult.MessageId",
    "SendMessageResult.MD5OfMessageBody",
    // A started move task has a handle to cancel it with.
    "StartMessageMoveTaskResult.TaskHandle",
  ],
  sns: [
    "CreateTopicResponse.TopicArn",
    "PublishResponse.MessageId",
    // With ReturnSubscriptionArn the ARN, else the ARN or "pending confirmation": always a string.
    "SubscribeResponse.SubscriptionArn",
    "ConfirmSubscriptionResponse.SubscriptionArn",
    "CreatePlatformApplicationResponse.PlatformApplicationArn",
    "CreateEndpointResponse.EndpointArn",
    // PublishBatch answers with both lists (empty when nothing went there), each entry with its Id.
    "PublishBatchResponse.Successful",
    "PublishBatchResponse.Failed",
    "PublishBatchResultEntry.Id",
    "PublishBatchResultEntry.MessageId",
    // Listed topics and subscriptions.
    "Topic.TopicArn",
    "Subscription.SubscriptionArn",
    "Subscription.TopicArn",
    "Subscription.Protocol",
    "Subscription.Endpoint",
    "Subscription.Owner",
  ],
  sts: [
    "GetCallerIdentityResponse.UserId",
    "GetCallerIdentityResponse.Account",
    "GetCallerIdentityResponse.Arn",
  ],
};

/**
 * Marks a service's always-present output members as required in (a copy of) its model, after
 * checking that each names an output-only structure's member.
 *
 * @param {string} service - the service's folder name (`sqs`)
 * @param {{ shapes: Record<string, any>, operations: Record<string, any> }} model
 */
export function markAlwaysPresent(service, model) {
  const list = ALWAYS_PRESENT[service] ?? [];
  const shapes = model.shapes;
  // Structures reachable from some input: none of them may get a required member here.
  const inputs = new Set();
  const visit = (name) => {
    if (inputs.has(name)) return;
    inputs.add(name);
    const shape = shapes[name];
    if (shape.type === "structure") for (const m of Object.values(shape.members)) visit(m.shape);
    else if (shape.type === "list") visit(shape.member.shape);
    else if (shape.type === "map") visit(shape.value.shape);
  };
  for (const op of Object.values(model.operations)) if (op.input) visit(op.input.shape);
  for (const ref of list) {
    const [structure, member] = ref.split(".");
    const shape = shapes[structure];
    if (shape?.type !== "structure")
      throw new Error(`gen-models: always-present ${ref}: no structure ${structure}`);
    if (!shape.members[member]) throw new Error(`gen-models: always-present ${ref}: no member ${member}`);
    if (inputs.has(structure))
      throw new Error(`gen-models: always-present ${ref}: ${structure} is also input`);
    const required = new Set(shape.required ?? []);
    if (required.has(member))
      throw new Error(`gen-models: always-present ${ref}: already required in the model`);
    shape.required = [...required, member];
  }
}

/**
 * The declaration of one member in the generated types: a required member as it is, an optional
 * one as `?: T | undefined`, as the AWS SDK for JavaScript v3 declares them, so that programs
 * compiled with `exactOptionalPropertyTypes` can pass a value that may be undefined (an absent
 * member and an undefined one are the same on the wire: the encoders skip undefined).
 *
 * @param {string} name - the member's name, quoted where needed
 * @param {boolean} required
 * @param {string} type - the member's TypeScript type
 */
export function memberDeclaration(name, required, type) {
  return required ? `${name}: ${type}` : `${name}?: ${type} | undefined`;
}

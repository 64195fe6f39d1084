// SNS's and STS's methods are defined from lists of names, and their operation tables (shapes and
// validators) are loaded at the first call (core/operation.ts defineLazyOperations): the lists
// must name exactly the tables' actions and paginators, in order, and a first call must work.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isValidationError } from "../../src/core/errors.js";
import * as snsTable from "../../src/sns/operations.js";
import { SNS, SNS_ACTIONS, SNS_PAGINATED } from "../../src/sns/sns.js";
import * as stsTable from "../../src/sts/operations.js";
import { STS, STS_ACTIONS } from "../../src/sts/sts.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { startLoopback, xml } from "../helpers/loopback.js";

describe("operation tables loaded on first use", () => {
  it("SNS and STS name every action and paginator of their tables, in order", () => {
    assert.deepEqual([...SNS_ACTIONS], Object.keys(snsTable.operations));
    assert.deepEqual([...SNS_PAGINATED], Object.keys(snsTable.paginators));
    assert.deepEqual([...STS_ACTIONS], Object.keys(stsTable.operations));
    assert.deepEqual(Object.keys(stsTable.paginators), []);
    for (const name of SNS_ACTIONS) {
      const method = name[0]!.toLowerCase() + name.slice(1);
      assert.equal(typeof (SNS.prototype as unknown as Record<string, unknown>)[method], "function", method);
    }
    for (const name of STS_ACTIONS) {
      const method = name[0]!.toLowerCase() + name.slice(1);
      assert.equal(typeof (STS.prototype as unknown as Record<string, unknown>)[method], "function", method);
    }
  });

  it("concurrent first calls, a validation error and a paginator all go through the loaded table", async () => {
    const actions: string[] = [];
    const server = await startLoopback((request) => {
      assert.ok(request.signatureValid, "signed");
      const action = new URLSearchParams(request.body).get("Action") ?? "";
      actions.push(action);
      if (action === "ListTopics") {
        return xml(
          `<ListTopicsResponse><ListTopicsResult><Topics><member><TopicArn>arn:aws:sns:us-east-1:000000000000:a</TopicArn></member></Topics></ListTopicsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>`,
        );
      }
      return xml(
        `<CreateTopicResponse><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:000000000000:t</TopicArn></CreateTopicResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreateTopicResponse>`,
      );
    });
    try {
      const sns = new SNS({ region: "us-east-1", endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const [a, b] = await Promise.all([sns.createTopic({ Name: "t" }), sns.createTopic({ Name: "t" })]);
      assert.equal(a.TopicArn, "arn:aws:sns:us-east-1:000000000000:t");
      assert.deepEqual(b, a);
      await assert.rejects(sns.createTopic({ Name: "" }), (e: unknown) => isValidationError(e));
      const pages = [];
      for await (const page of sns.paginateListTopics({})) pages.push(page);
      assert.equal(pages.length, 1);
      assert.equal(pages[0]?.Topics?.[0]?.TopicArn, "arn:aws:sns:us-east-1:000000000000:a");
      assert.deepEqual(actions, ["CreateTopic", "CreateTopic", "ListTopics"], "nothing sent for bad input");
    } finally {
      await server.close();
    }
  });
});

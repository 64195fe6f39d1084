// `asyncaws ui` in a real browser: headless Chromium (Debian's, as the runtime suite uses it)
// driven by playwright-core, against the server in this process and fauxqs on loopback. The page
// lists the queues without JavaScript; with it, the test peeks (a `<script>` body stays text),
// sends, redrives a dead-letter queue (moved by the server itself: fauxqs lacks the move task)
// and watches the counts move, purges after typing the name, and uses the keyboard. Screenshots
// go to .build/screenshots (ignored), in light and dark.
//
// Without Chromium the file skips, saying so; under CI (CI set, as .ci/run sets it, after
// installing Chromium) a missing Chromium fails the file instead.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { OldestAges } from "../../src/cli/oldest.js";
import type { QueueInfo } from "../../src/cli/queues.js";
import { startUi, type UiServer } from "../../src/cli/ui/server.js";
import type { Message } from "../../src/index.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { type Loopback, startLoopback, xml } from "../helpers/loopback.js";
import { CHROMIUM, CHROMIUM_FLAGS } from "../runtimes/drivers/chromium.js";
import { counts, sns, sqs, useEmulator } from "./helpers.js";

const SCREENSHOTS = new URL("../../screenshots/", import.meta.url).pathname;
const missing = existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM}`;
if (missing && process.env.CI) throw new Error(`${missing}: CI installs it (scripts/runtimes/install.sh)`);
if (missing)
  console.warn(`# ui-browser: skipped: ${missing} (apt-get install chromium, or set CHROMIUM_PATH)`);

const EVIL = '<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2">';

useEmulator();

describe("asyncaws ui in headless Chromium", { skip: missing ?? false }, () => {
  let server: UiServer;
  let cloudWatch: Loopback;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const queues: Record<string, ReturnType<typeof sqs.queue>> = {};

  /** The visible count in a queue's row of the table, as the page shows it. */
  const rowCount = (name: string) =>
    page.locator(`#queues tr[data-queue="${name}"] td.n`).first().textContent();
  /** Waits until the table shows `visible` for the queue (the page polls and refreshes after each action). */
  const waitForCount = (name: string, visible: number) =>
    page.waitForFunction(
      ([queue, n]) =>
        document.querySelector(`#queues tr[data-queue="${queue}"] td.n`)?.textContent === String(n),
      [name, visible] as const,
    );
  /** Resolves once the page has had the answer of one more poll of the counts, and handled it. */
  const polled = async () => {
    await (await page.waitForResponse((response) => response.url().endsWith("/api/queues"))).finished();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));
  };
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png` });

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // Fixed names (this file has its own emulator), as a user's queues would read.
    const create = async (name: string, attributes: Record<string, string> = {}) => {
      const { QueueUrl } = await sqs.createQueue({ QueueName: name, Attributes: attributes });
      queues[name] = sqs.queue(QueueUrl!);
      return queues[name];
    };
    const dlq = await create("orders-dlq");
    const { QueueArn } = await dlq.attributes(["QueueArn"]);
    await create("orders", {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: QueueArn, maxReceiveCount: 3 }),
    });
    await create("emails.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" });
    const inbox = await create("inbox");
    await dlq.sendBatch(
      [1, 2, 3].map((id) => JSON.stringify({ order: id, error: "payment service timed out" })),
    );
    await inbox.send(EVIL);
    await inbox.send(JSON.stringify({ kind: "welcome", to: "ana@example.com", tags: ["new"] }));
    await queues["emails.fifo"]!.send("hello", { MessageGroupId: "ana" });
    await sns.createTopic({ Name: "order-events" });

    // CloudWatch on loopback: inbox's oldest message is 25 minutes old, the others have no value.
    cloudWatch = await startLoopback((request) => {
      const queue = new URLSearchParams(request.body).get("Dimensions.member.1.Value");
      const point =
        queue === "inbox"
          ? "<member><Timestamp>2026-12-05T10:00:00Z</Timestamp><Maximum>1500.0</Maximum><Unit>Seconds</Unit></member>"
          : "";
      return xml(
        `<GetMetricStatisticsResponse><GetMetricStatisticsResult><Datapoints>${point}</Datapoints></GetMetricStatisticsResult></GetMetricStatisticsResponse>`,
      );
    });
    const ages = new OldestAges(
      "us-east-1",
      { endpoint: "http://127.0.0.1:1" },
      { AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.endpoint },
      { credentials: async () => TEST_CREDENTIALS },
    );
    // Read before the page is first served, which waits for CloudWatch only a little.
    await ages.fill([{ name: "inbox" } as QueueInfo]);
    // Counts polled often, so that the chart fills in within the test's few seconds.
    server = await startUi({ sqs, sns, readOnly: false, ages }, { intervalMs: 300 });
    const playwright = await import("playwright-core");
    browser = await playwright.chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      timeout: 60_000,
    });
    context = await browser.newContext({ viewport: { width: 1000, height: 760 }, colorScheme: "light" });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await cloudWatch?.close();
  });

  it("lists the queues and topics without JavaScript", async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    try {
      const noScript = await plain.newPage();
      await noScript.goto(server.url);
      assert.equal(new URL(noScript.url()).search, "", "the token left the address bar");
      const rows = await noScript
        .locator("#queues tbody tr")
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll("th, td")].map((cell) => cell.textContent)),
        );
      assert.deepEqual(rows, [
        ["emails.fifo", "1", "0", "0", "-", "FIFO", ""],
        ["inbox", "2", "0", "0", "25m", "", ""],
        ["orders", "0", "0", "0", "-", "", "→ orders-dlq"],
        ["orders-dlq", "3", "0", "0", "-", "", " ← orders"],
      ]);
      assert.equal(await noScript.locator('#topics tr[data-topic="order-events"]').count(), 1);
    } finally {
      await plain.close();
    }
  });

  /**
   * What went wrong in a page's script: uncaught errors, and what it logged as an error (a poll
   * that failed is caught and logged, and the page simply stops changing). Answers other than
   * 200, which the page shows, are not counted.
   */
  const watchErrors = (target: Page) => {
    const errors: string[] = [];
    target.on("pageerror", (error) => errors.push(error.message));
    target.on("console", (message) => {
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
        errors.push(message.text());
    });
    return errors;
  };
  let errors: string[] = [];

  it("opens the page from the printed address and shows the queues", async () => {
    errors = watchErrors(page);
    await page.goto(server.url);
    await waitForCount("orders-dlq", 3);
    assert.equal(await rowCount("inbox"), "2");
    // The age of the oldest message, still as the page shows it after a poll (the script rewrites a
    // cell whose text differs).
    await polled();
    const oldest = (name: string) => page.locator(`#queues tr[data-queue="${name}"] td`).nth(3).textContent();
    assert.equal(await oldest("inbox"), "25m");
    assert.equal(await oldest("orders"), "-");
    assert.deepEqual(errors, []);
  });

  it("peeks: bodies shown as text (a <script> body stays text), JSON pretty-printed, the warning given", async () => {
    await page.getByRole("link", { name: "inbox", exact: true }).click();
    await page.getByRole("heading", { name: "Queue inbox" }).waitFor();
    await page.getByRole("button", { name: "Peek" }).click();
    await page.locator("#detail article.message").nth(1).waitFor();
    const bodies = await page.locator("#detail pre.body").allTextContents();
    assert.ok(bodies.includes(EVIL), `the body as text: ${JSON.stringify(bodies)}`);
    assert.ok(
      bodies.some((body) => body.includes('\n  "kind": "welcome"')),
      "JSON pretty-printed",
    );
    assert.equal(await page.locator("#detail img, #detail pre script").count(), 0, "no element from a body");
    assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined);
    assert.match((await page.locator("#detail p.warn").textContent()) ?? "", /receive count/);
    await waitForCount("inbox", 2);
    await shot("peek");
  });

  it("sends a message with an attribute", async () => {
    await page.getByLabel("message body").fill('{"kind":"reminder"}');
    await page.getByLabel("attribute name").first().fill("priority");
    await page.getByLabel("attribute type").first().selectOption("Number");
    await page.getByLabel("attribute value").first().fill("2");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.getByText(/^sent [\w-]+$/).waitFor();
    await waitForCount("inbox", 3);
    const received = await queues.inbox!.receive({ MaxNumberOfMessages: 10 });
    await Promise.all(received.map((m) => queues.inbox!.changeVisibility(m.ReceiptHandle!, 0)));
    const message = received.find((m) => m.Body === '{"kind":"reminder"}');
    assert.deepEqual(message?.MessageAttributes?.priority, { DataType: "Number", StringValue: "2" });
  });

  it("redrives the dead-letter queue with a progress bar, and the counts move", async () => {
    await page.getByRole("link", { name: "orders-dlq", exact: true }).click();
    await page.getByRole("heading", { name: "Queue orders-dlq" }).waitFor();
    await page.getByRole("button", { name: "Start the move task" }).click();
    await page
      .getByText(/^COMPLETED: 3 of 3 moved by this server \(SQS's move task: InvalidAction\)$/)
      .waitFor();
    assert.equal(await page.locator("#detail progress").getAttribute("value"), "3");
    await waitForCount("orders-dlq", 0);
    await waitForCount("orders", 3);
    assert.deepEqual(await counts(queues["orders-dlq"]!), { visible: 0, inFlight: 0 });
    assert.deepEqual(await counts(queues.orders!), { visible: 3, inFlight: 0 });
    // The chart has followed the dead-letter queue: its count line and the rate lines.
    await page.locator("#chart:not([hidden]) svg polyline.rate-out").waitFor();
    assert.equal(await page.locator("#chart svg polyline").count(), 5, "3 counts, 2 rates");
    assert.match(
      (await page.locator("#chart figcaption .now").textContent()) ?? "",
      /^orders-dlq: 0 visible/,
    );
    await shot("redrive");
    // The README's picture: the list and the chart of the queue just redriven.
    await page.evaluate(() => window.scrollTo(0, 0));
    const chartBox = await page.locator("#chart").boundingBox();
    await page.screenshot({
      path: `${SCREENSHOTS}queues.png`,
      clip: {
        x: 0,
        y: 0,
        width: 1000,
        height: Math.ceil((chartBox?.y ?? 560) + (chartBox?.height ?? 200) + 12),
      },
    });
  });

  it("purges only after the queue's name is typed", async () => {
    await page.getByRole("link", { name: "orders", exact: true }).click();
    await page.getByRole("heading", { name: "Queue orders" }).waitFor();
    const confirm = page.getByLabel("type the queue's name to purge it");
    await confirm.fill("order");
    await page.getByRole("button", { name: "Purge every message" }).click();
    await page.getByText("type the queue's name (orders) to purge it").waitFor();
    assert.deepEqual(await counts(queues.orders!), { visible: 3, inFlight: 0 });
    await confirm.fill("orders");
    await page.getByRole("button", { name: "Purge every message" }).click();
    await page.getByText("purged", { exact: true }).waitFor();
    await waitForCount("orders", 0);
    assert.deepEqual(await counts(queues.orders!), { visible: 0, inFlight: 0 });
  });

  it("works from the keyboard: a queue's link opens it with Enter, Escape goes back to the link", async () => {
    await page.keyboard.press("Escape");
    await page.locator("#detail").waitFor({ state: "hidden" });
    const link = page.getByRole("link", { name: "emails.fifo", exact: true });
    await link.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Queue emails.fifo" }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Queue emails.fifo");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Peek");
    await page.keyboard.press("Enter");
    await page.locator("#detail pre.body").first().waitFor();
    assert.match((await page.locator("#detail .meta").first().textContent()) ?? "", /group ana/);
    await page.keyboard.press("Escape");
    await page.locator("#detail").waitFor({ state: "hidden" });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "emails.fifo");
    // The rows are updated at each poll: the focus stays on the link.
    await polled();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "emails.fifo");
  });

  it("keeps a click on a queue's link when a poll answers between the button's press and its release", async () => {
    // The page polls the counts all the time (here every 300 ms): a poll that replaced the rows
    // would take the pressed link out of the page, and Chromium drops a click whose press went to
    // an element no longer there. The rows are updated in place instead.
    const link = page.getByRole("link", { name: "inbox", exact: true });
    const box = await link.boundingBox();
    assert.ok(box, "the link is shown");
    const before = await link.elementHandle();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await polled();
    await page.mouse.up();
    await page.getByRole("heading", { name: "Queue inbox" }).waitFor();
    assert.equal(await before?.evaluate((a) => a.isConnected), true, "the same link, still in the page");
    await page.keyboard.press("Escape");
    await page.locator("#detail").waitFor({ state: "hidden" });
  });

  it("redrives a standard queue into a FIFO queue with the group id its field asks for once the destination is FIFO", async () => {
    const { QueueUrl } = await sqs.createQueue({ QueueName: "bounced" });
    const bounced = sqs.queue(QueueUrl!);
    await bounced.send("retry me");
    await waitForCount("bounced", 1);
    await page.getByRole("link", { name: "bounced", exact: true }).click();
    await page.getByRole("heading", { name: "Queue bounced" }).waitFor();
    const group = page.getByLabel("group id in the FIFO destination");
    assert.equal(await group.isVisible(), false, "no group field for the source queues");
    await page.getByLabel("destination queue").fill("emails.fifo");
    await group.waitFor();
    await page.getByRole("button", { name: "Start the move task" }).click();
    await page
      .getByText("emails.fifo is a FIFO queue and the messages of bounced have no group", { exact: false })
      .waitFor();
    assert.deepEqual(await counts(bounced), { visible: 1, inFlight: 0 }, "nothing moved without a group");
    await group.fill("retries");
    await page.getByRole("button", { name: "Start the move task" }).click();
    await page.getByText(/^COMPLETED: 1 of 1 moved by this server/).waitFor();
    await waitForCount("bounced", 0);
    await waitForCount("emails.fifo", 2);
    const fifo = queues["emails.fifo"]!;
    let moved: Message | undefined;
    for (let i = 0; i < 10 && !moved; i++) {
      const received = await fifo.receive({
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["MessageGroupId"],
      });
      moved = received.find((m) => m.Body === "retry me");
      await Promise.all(received.map((m) => fifo.changeVisibility(m.ReceiptHandle!, 0)));
    }
    assert.equal(moved?.Attributes?.MessageGroupId, "retries");
  });

  it("keeps on the chart the counts the page first saw, when they change within its first second", async () => {
    // The page's clock is Playwright's, paused: the polls are those the page makes at once (on
    // load, on opening a queue) and those of the interval when the test moves the clock on.
    const { QueueUrl } = await sqs.createQueue({ QueueName: "spike" });
    const spike = sqs.queue(QueueUrl!);
    await spike.sendBatch(["1", "2"]);
    const fresh = await context.newPage();
    const freshErrors = watchErrors(fresh);
    try {
      const start = new Date("2026-12-05T12:00:00Z");
      await fresh.clock.install({ time: start });
      await fresh.clock.pauseAt(new Date(start.getTime() + 1000)); // time stands still until runFor
      const firstPoll = fresh.waitForResponse((response) => response.url().endsWith("/api/queues"));
      await fresh.goto(server.url);
      await (await firstPoll).finished();
      const row = fresh.locator('#queues tr[data-queue="spike"] td.n').first();
      assert.equal(await row.textContent(), "2");
      for (const message of await spike.receive({ MaxNumberOfMessages: 10 }))
        await spike.delete(message.ReceiptHandle!);
      await fresh.clock.runFor(300); // one poll of the interval, 0.3 s after the first
      await fresh.waitForFunction(
        () => document.querySelector('#queues tr[data-queue="spike"] td.n')?.textContent === "0",
      );
      await fresh.getByRole("link", { name: "spike", exact: true }).click();
      await fresh.getByRole("heading", { name: "Queue spike" }).waitFor();
      // Two points, 2 then 0 (the second one replaced by the poll on opening the queue).
      await fresh.locator("#chart:not([hidden]) svg polyline.visible").waitFor();
      assert.match(
        (await fresh.locator("#chart svg").getAttribute("aria-label")) ?? "",
        /^spike: 0 visible, 0 in flight, 0 delayed \(the last 0 s\)$/,
        "no rate yet: the newest point is less than a second after the first",
      );
      assert.deepEqual(freshErrors, []);
    } finally {
      await fresh.close();
    }
  });

  it("in read-only mode, offers peeking and nothing that changes a queue (a second server in the same browser)", async () => {
    const readOnly = await startUi({ sqs, sns, readOnly: true });
    const other = await context.newPage();
    try {
      await other.goto(readOnly.url);
      await other.getByRole("link", { name: "inbox", exact: true }).click();
      await other.getByRole("heading", { name: "Queue inbox" }).waitFor();
      assert.equal(await other.getByRole("button", { name: "Peek" }).count(), 1);
      for (const name of ["Send", "Purge every message", "Start the move task"])
        assert.equal(await other.getByRole("button", { name, exact: true }).count(), 0, name);
      assert.match((await other.locator("header").textContent()) ?? "", /read-only/);
    } finally {
      await other.close();
      await readOnly.close();
    }
  });

  it("follows the system's light or dark setting (the first server still answers: each keeps its own cookie)", async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.emulateMedia({ colorScheme: "dark" });
    const dark = await background();
    assert.equal(light, "rgb(255, 255, 255)");
    assert.equal(dark, "rgb(18, 20, 23)");
    await page.getByRole("link", { name: "orders-dlq", exact: true }).click();
    await page.locator("#chart:not([hidden]) svg polyline.visible").waitFor();
    await shot("dark");
    await page.emulateMedia({ colorScheme: "light" });
    assert.deepEqual(errors, [], "no error in the page's script all along");
  });
});

// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core: a page on one loopback
// origin loads the browser bundle (test/runtimes/entries/browser.mjs → build/browser.js) and runs
// the suite against the proxy on another origin, which answers CORS as fauxqs does not.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPageServer } from "../proxy.js";
import type { CheckResult } from "../smoke.js";
import type { Runtime } from "./types.js";

/** Where Debian's package puts it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The flags this machine needs (a closed network, root, no GPU). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // Everything but loopback (which Chromium never proxies) goes to a closed local port: whatever
  // the library might try to reach (instance metadata, say) never leaves the machine.
  "--proxy-server=http://127.0.0.1:9",
];

/** The slice of playwright-core used here (typed locally: it may not be installed yet). */
interface PageLike {
  on(event: "console", listener: (message: { text(): string }) => void): void;
  on(event: "pageerror", listener: (error: Error) => void): void;
  goto(url: string): Promise<unknown>;
  waitForFunction(fn: string, arg?: unknown, options?: { timeout: number }): Promise<unknown>;
  evaluate<T>(fn: string): Promise<T>;
}
interface ContextLike {
  newPage(): Promise<PageLike>;
  close(): Promise<void>;
}
interface PlaywrightLike {
  chromium: {
    launchPersistentContext(userDataDir: string, options: Record<string, unknown>): Promise<ContextLike>;
  };
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>asyncaws smoke</title></head>
<body><p>asyncaws runtime smoke suite</p><script type="module" src="/browser.js"></script></body></html>`;

export const chromium: Runtime = {
  name: "chromium",
  accessKeyId: "AKIDCHROMIUM",
  async run(context) {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const versionRun = spawnSync(CHROMIUM, ["--version"], { encoding: "utf8", timeout: 30_000 });
    const version = `${versionRun.stdout ?? ""}`.trim() || "unknown";
    const playwrightName = "playwright-core";
    const playwright = (await import(playwrightName)) as PlaywrightLike;
    const pages = await startPageServer({
      "/": { type: "text/html; charset=utf-8", body: PAGE },
      "/browser.js": {
        type: "text/javascript; charset=utf-8",
        body: readFileSync(join(context.build, "browser.js")),
      },
    });
    const userDataDir = mkdtempSync(join(tmpdir(), "asyncaws-chromium-"));
    let browser: ContextLike | undefined;
    try {
      browser = await playwright.chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_FLAGS,
        timeout: 60_000,
      });
      const page = await browser.newPage();
      page.on("console", (message) => context.log(`  [chromium] ${message.text()}`));
      page.on("pageerror", (error) => context.log(`  [chromium] page error: ${error.message}`));
      await page.goto(`${pages.url}/`);
      await page.waitForFunction("globalThis.smokeReady === true", undefined, { timeout: 30_000 });
      const options = JSON.stringify({ endpoint: context.endpoint, accessKeyId: "AKIDCHROMIUM" });
      const results = await page.evaluate<CheckResult[]>(`globalThis.runSmokeInPage(${options})`);
      return { version, results };
    } finally {
      await browser?.close();
      await pages.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  },
};

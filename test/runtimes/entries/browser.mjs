// The browser bundle: the library (imported by the package's name, as users do) and the smoke
// suite, bundled by esbuild for the page that headless Chromium loads. The driver calls globalThis.runSmokeInPage(options) from Playwright.
import * as lib from "asyncaws";
import { runSmoke } from "../smoke.ts";

globalThis.runSmokeInPage = (options) =>
  runSmoke({ lib, ...options, log: (line) => console.log(`[smoke] ${line}`) });
globalThis.smokeReady = true;

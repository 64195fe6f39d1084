// Every TSDoc `@example` of the sources compiles: each fenced ```ts block after an @example tag
// is extracted and type-checked as a user's module, under strict, exactOptionalPropertyTypes and
// noUncheckedIndexedAccess, importing the package by its entry points.
//
// An example may use, without declaring them, the names the package exports (imported for it
// from the first entry point that exports them, unless it imports or declares them itself) and
// the placeholders of GLOBALS below: the objects an example is about (`sqs`, `queue`, `topic`...)
// and the user's own values and functions (`orders`, `handle`, `target`...). Nothing else.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { before, describe, it } from "node:test";
import ts from "typescript";
import { type CompileError, describeErrors, ENTRY_POINTS, exportedNames, typeCheck } from "./compile.js";

const root = new URL("../../../", import.meta.url).pathname;

/** Placeholders an example may use as they are. */
const GLOBALS = `
type AsyncAws = typeof import("asyncaws");
declare global {
  /** Clients and handles, as the surrounding documentation makes them. */
  const sqs: import("asyncaws").SQS;
  const sns: import("asyncaws").SNS;
  const sts: import("asyncaws").STS;
  const client: import("asyncaws").SQSClient;
  const queue: import("asyncaws").QueueHandle;
  const topic: import("asyncaws").TopicHandle;
  const consumer: import("asyncaws").Consumer;
  /** Values the user has. */
  const QueueUrl: string;
  const TopicArn: string;
  const MY_TOPIC_ARN: string;
  const signal: AbortSignal;
  const body: string;
  const lines: AsyncIterable<string>;
  const tracerProvider: import("@opentelemetry/api").TracerProvider;
  const meterProvider: import("@opentelemetry/api").MeterProvider;
  const orders: { id: number; total: number }[];
  const events: { type: string; id: number }[];
  const done: boolean;
  /** The user's own functions. */
  function handle(...args: unknown[]): Promise<boolean>;
  function handler(message: import("asyncaws").Message): Promise<void>;
  function save(value: unknown, options?: { signal?: AbortSignal }): Promise<void>;
  function fetchMyCredentials(): Promise<import("asyncaws").Credentials>;
  function askUser(question: string): Promise<string>;
}
export type { AsyncAws };
`;

interface Example {
  /** Where it is: the source file and the line of its first line of code. */
  file: string;
  line: number;
  code: string;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The ```ts blocks after each @example tag of each TSDoc comment. */
function examplesOf(file: string): Example[] {
  const text = readFileSync(file, "utf8");
  const out: Example[] = [];
  for (const match of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = text.slice(0, match.index).split("\n").length;
    const lines = match[0].split("\n").map((line) => line.replace(/^\s*(?:\/\*\*|\*\/|\*(?!\/))? ?/, ""));
    let inExample = false;
    let fence: string[] | undefined;
    let fenceLine = 0;
    lines.forEach((line, i) => {
      if (fence) {
        if (/^```\s*$/.test(line)) {
          if (inExample) out.push({ file: relative(root, file), line: fenceLine, code: fence.join("\n") });
          fence = undefined;
        } else fence.push(line);
        return;
      }
      if (/^@\w+/.test(line.trim())) inExample = line.trim().startsWith("@example");
      const open = /^```(\w*)\s*$/.exec(line.trim());
      if (open) {
        fence = [];
        fenceLine = firstLine + i + 1;
        // Only TypeScript and JavaScript blocks are programs.
        if (!["ts", "typescript", "js", "javascript", ""].includes(open[1]!)) inExample = false;
      }
    });
  }
  return out;
}

/** Names a module declares or imports at its top level. */
function declaredNames(code: string): Set<string> {
  const source = ts.createSourceFile("x.ts", code, ts.ScriptTarget.ES2022, true);
  const names = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) bind(d.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement)) &&
      statement.name
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

const examples: Example[] = sources(join(root, "src")).sort().flatMap(examplesOf);
let programs: Record<string, string>;
let prefixLines: Map<string, number>;
let results: Map<string, CompileError[]>;

before(() => {
  const exported = exportedNames();
  const order = ["asyncaws", ...Object.keys(ENTRY_POINTS).filter((name) => name !== "asyncaws")];
  programs = { "globals.d.ts": GLOBALS };
  prefixLines = new Map();
  examples.forEach((example, index) => {
    const declared = declaredNames(example.code);
    const used = new Set(example.code.match(/[A-Za-z_$][\w$]*/g) ?? []);
    const imports = new Map<string, string[]>();
    const taken = new Set(declared);
    for (const entry of order) {
      for (const name of exported.get(entry) ?? []) {
        if (!used.has(name) || taken.has(name)) continue;
        taken.add(name);
        imports.set(entry, [...(imports.get(entry) ?? []), name]);
      }
    }
    const prefix = [...imports].map(([entry, names]) => `import { ${names.join(", ")} } from "${entry}";`);
    const name = `example-${index}.ts`;
    prefixLines.set(name, prefix.length);
    programs[name] = `${prefix.join("\n")}\n${example.code}\nexport {};\n`;
  });
  results = typeCheck(programs);
});

describe("TSDoc examples", () => {
  it("are found", () => {
    assert.ok(examples.length >= 30, `only ${examples.length} examples found`);
  });

  it("every one type-checks under strict", () => {
    const failures: string[] = [];
    examples.forEach((example, index) => {
      const name = `example-${index}.ts`;
      const errors = results.get(name) ?? [];
      if (errors.length === 0) return;
      const offset = Math.max(prefixLines.get(name) ?? 0, 1);
      const shifted = errors.map((e) => ({ ...e, line: e.line - offset }));
      failures.push(`${example.file}:${example.line}\n${describeErrors(example.code, shifted)}`);
    });
    assert.equal(
      failures.length,
      0,
      `${failures.length} examples do not compile:\n\n${failures.join("\n\n")}`,
    );
  });

  it("the placeholders compile", () => {
    assert.deepEqual(results.get("globals.d.ts"), []);
  });
});

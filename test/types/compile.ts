// Type-checks small TypeScript programs as a user would write them, importing "asyncaws" (and
// its subpaths) with the compiler options users are told to use: strict,
// exactOptionalPropertyTypes, noUncheckedIndexedAccess. The package's entry points (package.json
// `exports`) map to their sources, so no build is needed. All programs of one call share one
// compilation (one pass over the library).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const root = new URL("../../../", import.meta.url).pathname;

/** The package's entry points (`asyncaws`, `asyncaws/sqs`...), mapped to their sources. */
export const ENTRY_POINTS: Record<string, string> = (() => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, string | { types?: string }>;
  };
  const out: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const types = typeof target === "string" ? target : target.types;
    if (!types?.endsWith(".d.ts")) continue;
    const name = subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    out[name] = types.replace(/^\.\/dist\//, "src/").replace(/\.d\.ts$/, ".ts");
  }
  return out;
})();

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
  types: ["node"],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
  baseUrl: root,
  paths: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, file]) => [name, [file]])),
};

/** One error of a program: its line (1-based, in the program's text) and message. */
export interface CompileError {
  line: number;
  message: string;
}

function hostFor(files: Map<string, string>): ts.CompilerHost {
  const host = ts.createCompilerHost(OPTIONS, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = files.get(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    return getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = (fileName) => files.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => files.get(fileName) ?? readFile.call(host, fileName);
  return host;
}

let previous: ts.Program | undefined;

/** The names (values and types) each entry point exports, by entry point name. */
export function exportedNames(): Map<string, Set<string>> {
  const rootNames = Object.values(ENTRY_POINTS).map((file) => join(root, file));
  const program = ts.createProgram({
    rootNames,
    options: OPTIONS,
    host: hostFor(new Map()),
    ...(previous ? { oldProgram: previous } : {}),
  });
  previous = program;
  const checker = program.getTypeChecker();
  const out = new Map<string, Set<string>>();
  for (const [name, file] of Object.entries(ENTRY_POINTS)) {
    const source = program.getSourceFile(join(root, file));
    const symbol = source && checker.getSymbolAtLocation(source);
    out.set(name, new Set(symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : []));
  }
  return out;
}

/**
 * Type-checks each program (file name -> source text; the names end in `.ts`, or `.d.ts` for
 * global declarations), and returns the errors of each (an empty array when it compiles).
 */
export function typeCheck(programs: Record<string, string>): Map<string, CompileError[]> {
  const dir = join(root, ".type-tests");
  const files = new Map(Object.entries(programs).map(([name, text]) => [join(dir, name), text]));
  const program = ts.createProgram({
    rootNames: [...files.keys()],
    options: OPTIONS,
    host: hostFor(files),
    ...(previous ? { oldProgram: previous } : {}),
  });
  previous = program;
  const out = new Map<string, CompileError[]>();
  for (const [path] of files) {
    const source = program.getSourceFile(path);
    if (!source) throw new Error(`type tests: ${path} is not in the program`);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    out.set(
      path.slice(dir.length + 1),
      diagnostics.map((d) => ({
        line: d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1,
        message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
      })),
    );
  }
  return out;
}

/** The errors as readable text, each with its line of code. */
export function describeErrors(text: string, errors: readonly CompileError[]): string {
  const lines = text.split("\n");
  return errors
    .map((e) => `  line ${e.line}: ${e.message}\n    ${lines[e.line - 1]?.trim() ?? ""}`)
    .join("\n");
}

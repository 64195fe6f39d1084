// Type-checks small TypeScript programs as a user would write them, importing "asyncaws" (and
// its subpaths) with the compiler options users are told to use: strict,
// exactOptionalPropertyTypes, noUncheckedIndexedAccess. The package names map to the sources, so
// no build is needed. All programs of one call share one compilation (one pass over the library).
import { join } from "node:path";
import ts from "typescript";

const root = new URL("../../../", import.meta.url).pathname;

/** The package's entry points, mapped to their sources. */
const PATHS: Record<string, string[]> = {
  asyncaws: ["src/index.ts"],
  "asyncaws/sqs": ["src/sqs/index.ts"],
  "asyncaws/sqs/client": ["src/sqs/client-entry.ts"],
  "asyncaws/sns": ["src/sns/index.ts"],
  "asyncaws/sts": ["src/sts/index.ts"],
};

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
  paths: PATHS,
};

/** One error of a program: its line (1-based, in the program's text) and message. */
export interface CompileError {
  line: number;
  message: string;
}

/**
 * Type-checks each program (file name -> source text; the names end in `.ts`), and returns the
 * errors of each (an empty array when it compiles).
 */
export function typeCheck(programs: Record<string, string>): Map<string, CompileError[]> {
  const dir = join(root, ".type-tests");
  const files = new Map(Object.entries(programs).map(([name, text]) => [join(dir, name), text]));
  const host = ts.createCompilerHost(OPTIONS, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = files.get(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    return getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = (fileName) => files.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => files.get(fileName) ?? readFile.call(host, fileName);
  const program = ts.createProgram({ rootNames: [...files.keys()], options: OPTIONS, host });
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

/**
 * Fails when the project's modules import each other in a circle (type-only imports included, as
 * they couple modules all the same), or when the bot (`src/`, `commands/`, `scripts/deploy-commands.ts`)
 * imports the sandbox (`packages/sandbox`), which only tests, scripts and the demo may use. Part of
 * `npm run lint`.
 *
 *   npx tsx scripts/check-cycles.ts
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const DIRECTORIES = ['src', 'commands', 'packages/sandbox/src', 'scripts', 'test'];
/** The bot: what `npm run build` compiles and the Docker image ships (tsconfig.build.json). */
const PRODUCT_DIRECTORIES = ['src', 'commands'].map((directory) => join(ROOT, directory) + sep);
const PRODUCT_SCRIPTS = [join(ROOT, 'scripts', 'deploy-commands.ts')];
const SANDBOX = join(ROOT, 'packages') + sep;
const SANDBOX_PACKAGE = /^@valentina-bot\//;

function sourceFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function specifiersOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((entry) => entry.fileName);
}

/** The project files a module imports (relative specifiers only; `.js` in a specifier names the `.ts` file). */
function importsOf(file: string): string[] {
  return specifiersOf(file)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'))
    .filter((target) => existsSync(target));
}

const files = DIRECTORIES.flatMap((directory) => sourceFiles(join(ROOT, directory)));
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const cycles: string[][] = [];
const state = new Map<string, 'visiting' | 'done'>();
const stack: string[] = [];

function visit(file: string): void {
  state.set(file, 'visiting');
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of files) if (!state.has(file)) visit(file);

/** [importing file, what it names] for every import of the sandbox by the bot. */
const sandboxImports: [string, string][] = files
  .filter((file) => PRODUCT_SCRIPTS.includes(file) || PRODUCT_DIRECTORIES.some((directory) => file.startsWith(directory)))
  .flatMap((file) => [
    ...importsOf(file)
      .filter((target) => target.startsWith(SANDBOX))
      .map((target): [string, string] => [file, relative(ROOT, target)]),
    ...specifiersOf(file)
      .filter((specifier) => SANDBOX_PACKAGE.test(specifier))
      .map((specifier): [string, string] => [file, specifier]),
  ]);

if (cycles.length > 0) {
  console.error(`${cycles.length} circular import${cycles.length === 1 ? '' : 's'}:`);
  for (const cycle of cycles) console.error(`  ${cycle.map((file) => relative(ROOT, file)).join(' → ')}`);
}
if (sandboxImports.length > 0) {
  console.error('The bot imports the sandbox (packages/sandbox is for tests, scripts and the demo only):');
  for (const [file, target] of sandboxImports) console.error(`  ${relative(ROOT, file)} → ${target}`);
}
if (cycles.length > 0 || sandboxImports.length > 0) process.exit(1);
console.log(`no circular imports in ${files.length} modules; the bot imports nothing from the sandbox`);

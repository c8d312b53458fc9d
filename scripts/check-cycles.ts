/**
 * Fails when the project's modules import each other in a circle (type-only imports included, as
 * they couple modules all the same). Part of `npm run lint`.
 *
 *   npx tsx scripts/check-cycles.ts
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const DIRECTORIES = ['src', 'commands', 'scripts', 'test'];

function sourceFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The project files a module imports (relative specifiers only; `.js` in a specifier names the `.ts` file). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((entry) => entry.fileName)
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

if (cycles.length > 0) {
  console.error(`${cycles.length} circular import${cycles.length === 1 ? '' : 's'}:`);
  for (const cycle of cycles) console.error(`  ${cycle.map((file) => relative(ROOT, file)).join(' → ')}`);
  process.exit(1);
}
console.log(`no circular imports in ${files.length} modules`);

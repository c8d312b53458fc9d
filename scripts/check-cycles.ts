/**
 * Part of `npm run lint`. Fails when
 * - the project's modules import each other in a circle (type-only imports included, as they couple
 *   modules all the same);
 * - a module of the bot imports from a layer above its own (LAYERS, the README's architecture picture);
 * - the bot imports the sandbox (`packages/sandbox`), which only tests, scripts and the demo may use.
 *
 *   npx tsx scripts/check-cycles.ts
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const DIRECTORIES = ['src', 'commands', 'packages/sandbox/src', 'scripts', 'test'];

/** The bot: what tsconfig.build.json compiles and the Docker image ships. */
const PRODUCT = ['src/', 'commands/', 'scripts/deploy-commands.ts', 'scripts/invite-url.ts'];

/**
 * The bot's layers, top to bottom, as the README's architecture section draws them: a module imports
 * from its own layer and the layers below it, never from one above. A path ending in `/` is a folder;
 * the longest path that matches names a file's layer.
 */
const LAYERS: Array<{ name: string; paths: string[] }> = [
  {
    name: 'entry points and wiring',
    paths: [
      'src/main.ts',
      'src/app.ts',
      'src/shutdown.ts',
      'src/self-check.ts', // the start-up check: asks Discord, Valentina, Redis and PUBLIC_URL once
      'src/discord-proxy.ts', // the shared Discord REST proxy, a program of its own
      'scripts/deploy-commands.ts',
      'scripts/invite-url.ts',
      'commands/index.ts', // the command registry
      'src/queue/workers.ts', // the worker registry
    ],
  },
  { name: 'commands', paths: ['commands/'] },
  { name: 'features', paths: ['src/approvals/', 'src/experience/', 'src/notes/', 'src/quickrolls/', 'src/rolls/'] },
  { name: 'bot core', paths: ['src/discord/', 'src/identity/', 'src/queue/', 'src/http/'] },
  {
    name: 'clients and stores',
    paths: [
      'src/valentina/',
      'src/cache/',
      'src/stats/',
      'src/redis.ts',
      'src/keyspace.ts',
      'src/redis-lock.ts',
      'src/redis-durability.ts',
      'src/config.ts',
      'src/logger.ts',
    ],
  },
];

const matches = (path: string, prefix: string): boolean => (prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix);
const isProduct = (path: string): boolean => PRODUCT.some((prefix) => matches(path, prefix));

/** The index in LAYERS of a project-relative path (`/` separators), or undefined when none names it. */
function layerOf(path: string): number | undefined {
  let best: { layer: number; length: number } | undefined;
  LAYERS.forEach(({ paths }, layer) => {
    for (const prefix of paths) {
      if (matches(path, prefix) && prefix.length > (best?.length ?? -1)) best = { layer, length: prefix.length };
    }
  });
  return best?.layer;
}

function sourceFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const projectPath = (file: string): string => relative(ROOT, file).split(sep).join('/');

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

const problems: string[] = cycles.map((cycle) => `circular import: ${cycle.map(projectPath).join(' → ')}`);
for (const file of files.filter((file) => isProduct(projectPath(file)))) {
  const path = projectPath(file);
  const layer = layerOf(path);
  if (layer === undefined) {
    problems.push(`${path} has no layer: add it to LAYERS in scripts/check-cycles.ts and to the README's picture`);
    continue;
  }
  for (const specifier of specifiersOf(file).filter((specifier) => specifier.startsWith('@valentina-bot/'))) {
    problems.push(`${path} → ${specifier}: the bot never imports the sandbox`);
  }
  for (const target of (graph.get(file) ?? []).map(projectPath)) {
    if (/^(packages|test|scripts)\//.test(target) && !isProduct(target)) {
      problems.push(`${path} → ${target}: the bot never imports the sandbox, tests or scripts`);
      continue;
    }
    const targetLayer = layerOf(target);
    if (targetLayer !== undefined && targetLayer < layer) {
      const names = `${path} (${LAYERS[layer]?.name}) → ${target} (${LAYERS[targetLayer]?.name})`;
      problems.push(`${names}: a layer imports only itself and the layers below`);
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
console.log(`${files.length} modules: no circular imports; the bot's layers import downwards and never the sandbox`);

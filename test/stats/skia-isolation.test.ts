/**
 * The canvas library (Skia, @napi-rs/canvas) is loaded only by the chart worker thread: no module the
 * bot's main thread imports — from its entry points, following every import that runs code (type-only
 * imports are erased) — imports it. The walk is checked to find it from the worker's own entry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CANVAS = '@napi-rs/canvas';

/** Specifiers of the imports and re-exports of a file that load code at run time. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause?.isTypeOnly || (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Project files reachable from `entry`, and those among them that import the canvas library. */
function walk(entry: string): { reached: Set<string>; canvasImporters: string[] } {
  const reached = new Set<string>();
  const canvasImporters: string[] = [];
  const pending = [resolve(ROOT, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier === CANVAS || specifier.startsWith(`${CANVAS}/`)) canvasImporters.push(relative(ROOT, file));
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
      if (existsSync(target)) pending.push(target);
    }
  }
  return { reached, canvasImporters };
}

describe('Skia stays in the chart worker', () => {
  it('is imported by nothing the main thread loads', () => {
    const bot = walk('src/main.ts');
    // The walk reaches the command that asks for charts, and the pool that starts the worker.
    expect(bot.reached.has(resolve(ROOT, 'commands/stats.ts'))).toBe(true);
    expect(bot.reached.has(resolve(ROOT, 'src/stats/worker-pool.ts'))).toBe(true);
    expect(bot.canvasImporters).toEqual([]);
    expect(walk('src/discord-proxy.ts').canvasImporters).toEqual([]);
  });

  it('is found from the worker entry, so the walk can see it', () => {
    expect(walk('src/stats/chart-worker.ts').canvasImporters.sort()).toEqual(['src/stats/draw.ts', 'src/stats/fonts.ts']);
  });
});

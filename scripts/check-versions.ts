/**
 * The Node.js versions the project names agree (`npm run lint` runs this):
 * - the version the bot ships on: the Dockerfile's `node:<major>` images and `.nvmrc` name the same major;
 * - the oldest version it supports: `engines.node` (`>=<major>.<minor>`) and `@types/node` share a major, so the
 *   code cannot use an API the oldest supported Node lacks; CI runs on that floor.
 * - the shipped major is at or above the floor.
 *
 *   npx tsx scripts/check-versions.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines?: { node?: string }; devDependencies?: Record<string, string> };

const problems: string[] = [];
const major = (text: string | undefined, pattern: RegExp, what: string): number | undefined => {
  const found = text === undefined ? null : pattern.exec(text);
  if (!found?.[1]) problems.push(`${what} does not name a Node.js version`);
  return found?.[1] ? Number(found[1]) : undefined;
};

const images = [...read('Dockerfile').matchAll(/^FROM node:(\d+)/gm)].map((m) => Number(m[1]));
if (images.length === 0) problems.push('the Dockerfile has no node:<major> image');
const shipped = images[0];
if (images.some((image) => image !== shipped)) problems.push(`the Dockerfile's stages use different Node.js majors (${images.join(', ')})`);
const nvmrc = major(read('.nvmrc').trim(), /^v?(\d+)/, '.nvmrc');
if (shipped !== undefined && nvmrc !== undefined && nvmrc !== shipped) problems.push(`.nvmrc says ${nvmrc} but the image ships Node.js ${shipped}`);

const floor = major(pkg.engines?.node, /^>=\s*(\d+)\.\d+/, 'package.json engines.node');
const types = major(pkg.devDependencies?.['@types/node'], /^[\^~]?(\d+)\./, 'the @types/node dependency');
if (floor !== undefined && types !== undefined && floor !== types) {
  problems.push(`@types/node is for Node.js ${types} but engines.node supports ${floor}: the types must be the floor's`);
}
if (floor !== undefined && shipped !== undefined && shipped < floor) problems.push(`the image ships Node.js ${shipped}, below the supported floor ${floor}`);

if (problems.length > 0) {
  for (const problem of problems) console.error(`node versions: ${problem}`);
  process.exit(1);
}
console.log(`node versions agree: ships ${shipped} (Dockerfile, .nvmrc), supports ≥ ${pkg.engines?.node?.replace(/^>=\s*/, '')} (engines, @types/node ${types})`);

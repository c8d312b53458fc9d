/**
 * The deployment files say what the guide (docs/deploy.md) says: the compose file is valid for Compose and
 * runs an append-only Redis, the bot with nothing published and its ops port on loopback, and Caddy as the only
 * thing reachable from outside; the image's HEALTHCHECK asks readiness; `.env.example` has every variable.
 * `docker compose config` (or `docker-compose config`) validates the file when installed; the structure is
 * checked with a YAML parser either way.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { CONFIG_VARIABLES, SECRET_VARIABLES } from '../../src/config.js';
import { OAUTH_CALLBACK_PATH } from '../../src/identity/link-flow.js';
import { REPO_ROOT } from '../support/bot-process.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** The essentials of the Compose specification the guide relies on. */
const Service = z.strictObject({
  image: z.string().optional(),
  build: z.union([z.string(), z.object({ context: z.string() }).loose()]).optional(),
  command: z.array(z.string()).optional(),
  env_file: z.string().optional(),
  environment: z.record(z.string(), z.string()).optional(),
  ports: z.array(z.string().regex(/^\d+:\d+(\/(tcp|udp))?$/)).optional(),
  expose: z.array(z.string()).optional(),
  volumes: z.array(z.string().regex(/^[^:]+:\/[^:]*(:ro)?$/)).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']) })).optional(),
  healthcheck: z.object({ test: z.array(z.string()), interval: z.string(), timeout: z.string(), retries: z.number().int() }).optional(),
  restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']).optional(),
  stop_grace_period: z.string().optional(),
  profiles: z.array(z.string()).optional(),
});
const ComposeFile = z.strictObject({ services: z.record(z.string(), Service), volumes: z.record(z.string(), z.null()).optional() });

function composeCommand(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  return undefined;
}
const compose = composeCommand();
if (!compose) console.warn('deploy-files.test.ts: neither `docker compose` nor `docker-compose` is installed; the compose file is checked with a YAML parser only');

describe("the deploy guide's compose file", () => {
  const file = ComposeFile.parse(parse(read('docs/deploy/docker-compose.yml')));
  const { redis, bot, caddy } = file.services;

  it('runs Redis append-only and never evicting, on a volume', () => {
    expect(redis?.command).toEqual(['redis-server', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction']);
    expect(redis?.volumes).toEqual(['redis-data:/data']);
  });

  it('publishes nothing of the bot: Caddy alone is reachable, and the ops port stays on the container\'s loopback', () => {
    expect(bot?.ports).toBeUndefined();
    expect(bot?.environment).toMatchObject({ REDIS_URL: 'redis://redis:6379', HTTP_PORT: '8080', OPS_HTTP_HOST: '127.0.0.1', OPS_HTTP_PORT: '9464' });
    expect(bot?.environment?.PUBLIC_URL).toMatch(/^https:\/\/\$\{BOT_DOMAIN:\?/);
    expect(bot?.depends_on).toEqual({ redis: { condition: 'service_healthy' }, caddy: { condition: 'service_started' } });
    expect(caddy?.ports).toEqual(['80:80', '443:443', '443:443/udp']);
    expect(caddy?.volumes).toContain('./Caddyfile:/etc/caddy/Caddyfile:ro');
    const used = Object.values(file.services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(':')[0]!)).filter((v) => !v.startsWith('.'));
    expect(used.sort()).toEqual(Object.keys(file.volumes ?? {}).sort());
  });

  it('has Caddy pass on the OAuth callback only', () => {
    const caddyfile = read('docs/deploy/Caddyfile').replace(/^\s*#.*$/gm, '');
    expect(caddyfile).toContain(`handle ${OAUTH_CALLBACK_PATH} {\n\t\treverse_proxy {$BOT_UPSTREAM:bot:8080}\n\t}`);
    expect(caddyfile.match(/reverse_proxy/g)).toHaveLength(1);
    expect(caddyfile).toContain('respond "Not found" 404');
  });

  it.runIf(compose)('is valid for Compose, and names what is missing from .env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vbot-compose-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    for (const name of ['docker-compose.yml', 'Caddyfile']) copyFileSync(join(REPO_ROOT, 'docs/deploy', name), join(dir, name));
    copyFileSync(join(REPO_ROOT, '.env.example'), join(dir, '.env'));
    const config = (env: Record<string, string>) =>
      spawnSync(compose![0]!, [...compose!.slice(1), 'config'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir, ...env } });
    const missing = config({});
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('set BOT_IMAGE in .env');
    const valid = config({ BOT_DOMAIN: 'bot.example.org', BOT_IMAGE: 'ghcr.io/owner/valentina-bot:0.1' });
    expect(valid.stderr).not.toMatch(/error|invalid/i);
    expect(valid.status).toBe(0);
    expect(valid.stdout).toContain('PUBLIC_URL: https://bot.example.org');
    // The root compose file (built from the repository) is valid too.
    writeFileSync(join(dir, 'docker-compose.yml'), read('docker-compose.yml'));
    expect(config({}).status).toBe(0);
  });
});

describe('the image', () => {
  it('has a HEALTHCHECK on readiness, on the ops port', () => {
    const healthcheck = /^HEALTHCHECK .*\n(?:.*\\\n)*.*$/m.exec(read('Dockerfile'))?.[0] ?? '';
    expect(healthcheck).toContain('/readyz');
    expect(healthcheck).toContain('OPS_HTTP_PORT');
    expect(healthcheck).not.toContain('/healthz');
  });
});

describe('.env.example', () => {
  const lines = read('.env.example').split('\n');
  const named = new Set(lines.map((line) => /^#?\s?([A-Z][A-Z0-9_]+)=/.exec(line)?.[1]).filter((name) => name !== undefined));

  it('names every variable the configuration reads, and the README table lists each of them', () => {
    expect(CONFIG_VARIABLES.filter((name) => !named.has(name))).toEqual([]);
    const readme = read('README.md');
    expect(CONFIG_VARIABLES.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('holds no secret: every secret variable is empty', () => {
    for (const line of lines) {
      const match = /^#?\s?([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
      if (match && (SECRET_VARIABLES as readonly string[]).includes(match[1]!)) expect({ [match[1]!]: match[2] }).toEqual({ [match[1]!]: '' });
    }
  });
});

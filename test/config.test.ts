import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const base = {
  DISCORD_TOKEN: 'bot-token-secret',
  DISCORD_CLIENT_ID: '123456789012345678',
  DISCORD_CLIENT_SECRET: 'oauth-secret',
  PUBLIC_URL: 'https://bot.example.org',
  VALENTINA_API_KEY: 'api-key-secret',
};

/** The one-line message loadConfig stops with for `base` plus `env`, or 'no error'. */
const failure = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config.discord.apiUrl).toBe('https://discord.com/api');
    expect(config.valentina.apiUrl).toBe('https://api.valentina-noir.com');
    expect(config.redis).toEqual({ mode: 'standalone', url: 'redis://127.0.0.1:6379', prefix: 'vbot' });
    expect(config.http.port).toBe(8080);
    expect(config.roles).toEqual(['gateway', 'worker', 'http']);
    expect(config.discord.registerCommands).toBeUndefined();
    expect(config.experience).toEqual({ ledgerRetentionDays: 365, undoWindowSeconds: 900 });
  });

  it('sizes the Valentina request budget: 50 per 60 s with a 20 % reserve by default, or as set', () => {
    expect(loadConfig(base).valentina.budget).toEqual({ capacity: 50, windowSeconds: 60, reservePercent: 20 });
    expect(loadConfig({ ...base, VALENTINA_RATE_LIMIT: '30/60', VALENTINA_RATE_RESERVE_PERCENT: '10' }).valentina.budget).toEqual({
      capacity: 30,
      windowSeconds: 60,
      reservePercent: 10,
    });
    expect(failure({ VALENTINA_RATE_LIMIT: '50 per minute' })).toBe('Configuration error: VALENTINA_RATE_LIMIT must be requests/seconds with whole numbers, e.g. 50/60');
    expect(failure({ VALENTINA_RATE_RESERVE_PERCENT: '95' })).toBe('Configuration error: VALENTINA_RATE_RESERVE_PERCENT must be a whole percentage from 0 to 90');
  });

  it('waits 10 s for each answer from Valentina by default, or VALENTINA_TIMEOUT_MS', () => {
    expect(loadConfig(base).valentina.timeoutMs).toBe(10_000);
    expect(loadConfig({ ...base, VALENTINA_TIMEOUT_MS: '3000' }).valentina.timeoutMs).toBe(3_000);
    expect(failure({ VALENTINA_TIMEOUT_MS: '500' })).toBe('Configuration error: VALENTINA_TIMEOUT_MS must be a number of milliseconds from 1000 to 120000');
  });

  it('names a missing variable in one line', () => {
    const { DISCORD_TOKEN: _omit, ...rest } = base;
    expect(() => loadConfig(rest)).toThrow(new ConfigError('Configuration error: DISCORD_TOKEN is required but not set'));
  });

  it('requires PUBLIC_URL, with no silent localhost default, and says what it is', () => {
    const { PUBLIC_URL: _omit, ...rest } = base;
    expect(() => loadConfig(rest)).toThrow(
      new ConfigError(
        "Configuration error: PUBLIC_URL is required but not set: the https address players' browsers reach the bot's OAuth callback at, e.g. https://bot.example.org (see docs/deploy.md)",
      ),
    );
    expect(failure({ PUBLIC_URL: '' })).toMatch(/^Configuration error: PUBLIC_URL is required but not set: /);
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://bot.example.org/' }).http.publicUrl).toBe('https://bot.example.org');
  });

  it('names a malformed variable without echoing secrets', () => {
    const message = failure({ HTTP_PORT: 'eighty' });
    expect(message).toMatch(/^Configuration error: HTTP_PORT /);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('secret');
  });

  it('says what a number must be', () => {
    expect(failure({ HTTP_PORT: 'eighty' })).toBe('Configuration error: HTTP_PORT must be a port number from 0 to 65535');
    expect(failure({ HTTP_PORT: '70000' })).toBe('Configuration error: HTTP_PORT must be a port number from 0 to 65535');
    expect(failure({ SHARD_COUNT: '0' })).toBe('Configuration error: SHARD_COUNT must be a whole number of shards from 1 to 1000');
    expect(failure({ NOTES_BURST_QUIET_MS: '10' })).toBe('Configuration error: NOTES_BURST_QUIET_MS must be a number of milliseconds from 250 to 60000');
    expect(failure({ NOTES_BURST_QUIET_MS: '800' })).toBe('no error');
    expect(failure({ XP_LEDGER_RETENTION_DAYS: '0' })).toBe('Configuration error: XP_LEDGER_RETENTION_DAYS must be a whole number of days from 1 to 3650');
    expect(failure({ XP_UNDO_WINDOW_SECONDS: '1.5' })).toBe('Configuration error: XP_UNDO_WINDOW_SECONDS must be a whole number of seconds from 5 to 86400');
    expect(loadConfig({ ...base, XP_LEDGER_RETENTION_DAYS: '30', XP_UNDO_WINDOW_SECONDS: '60' }).experience).toEqual({ ledgerRetentionDays: 30, undoWindowSeconds: 60 });
  });

  it('says what a word or address must be, and takes an empty value for the default', () => {
    expect(failure({ LOG_LEVEL: 'verbose' })).toBe('Configuration error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
    expect(failure({ BOT_ROLES: 'gateway,cook' })).toBe('Configuration error: BOT_ROLES must list gateway, worker and/or http, comma-separated');
    expect(failure({ PUBLIC_URL: 'bot.example.org' })).toBe('Configuration error: PUBLIC_URL must be a URL such as https://bot.example.org');
    const defaults = loadConfig({ ...base, LOG_LEVEL: '', HTTP_HOST: '' });
    expect([defaults.logLevel, defaults.http.host]).toEqual(['info', '0.0.0.0']);
  });

  it('sends REST calls through the shared proxy only when DISCORD_REST_PROXY_URL is set', async () => {
    const { restApiUrl } = await import('../src/discord/register.js');
    expect(restApiUrl(loadConfig(base))).toBe('https://discord.com/api');
    const proxied = loadConfig({ ...base, DISCORD_REST_PROXY_URL: 'http://discord-proxy:8081/api/' });
    expect([restApiUrl(proxied), proxied.discord.apiUrl]).toEqual(['http://discord-proxy:8081/api', 'https://discord.com/api']);
    expect(failure({ DISCORD_REST_PROXY_URL: 'discord-proxy:8081' })).toMatch(/^Configuration error: DISCORD_REST_PROXY_URL must /);
  });

  it('parses registration, roles and shards', () => {
    const config = loadConfig({
      ...base,
      REGISTER_COMMANDS: 'guild:223456789012345678',
      BOT_ROLES: 'gateway,http',
      SHARD_COUNT: '2',
      SHARD_IDS: '1',
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
    });
    expect(config.discord.registerCommands).toEqual({ scope: 'guild', guildId: '223456789012345678' });
    expect(config.roles).toEqual(['gateway', 'http']);
    expect(config.discord.shardIds).toEqual([1]);
    expect(config.discord.apiUrl).toBe('http://127.0.0.1:9999/api');
  });

  it('refuses an unknown role', () => {
    expect(() => loadConfig({ ...base, BOT_ROLES: 'gateway,cook' })).toThrow(/^Configuration error: BOT_ROLES /);
  });
});

describe('the ops server settings', () => {
  it('serve /healthz, /readyz and /metrics on their own port, on loopback by default', () => {
    expect(loadConfig(base).ops).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ ...base, OPS_HTTP_HOST: '', OPS_HTTP_PORT: '9100' }).ops).toEqual({ port: 9100, host: '127.0.0.1' });
    expect(loadConfig({ ...base, OPS_HTTP_HOST: '0.0.0.0' }).ops.host).toBe('0.0.0.0');
  });

  it('refuses a port that is not one, or the public port', () => {
    expect(failure({ OPS_HTTP_PORT: 'ninety' })).toBe('Configuration error: OPS_HTTP_PORT must be a port number from 0 to 65535');
    expect(failure({ HTTP_PORT: '8080', OPS_HTTP_PORT: '8080' })).toBe(
      'Configuration error: OPS_HTTP_PORT must differ from HTTP_PORT (/metrics and /readyz are not served on the public port)',
    );
    expect(failure({ HTTP_PORT: '0', OPS_HTTP_PORT: '0' })).toBe('no error');
  });
});

/**
 * A fake Discord on loopback for end-to-end tests: REST v10, the gateway WebSocket and OAuth2 on one
 * HTTP server. A real discord.js Client connects to it (`rest.api = sim.apiUrl`); tests act as users.
 *
 *   const sim = await startDiscordSimulator({ botToken: 't', applicationId: '1', heartbeatIntervalMs: 1000 });
 *   const client = new Client({ intents, partials: [Partials.Channel], rest: { api: sim.apiUrl } });
 *   await client.login('t'); await sim.gateway.waitForReady();
 *   const alice = sim.addUser({ username: 'alice' });
 *   const guild = sim.addGuild({ name: 'Table' }); sim.addMember(guild.id, alice.id, { permissions: ManageGuild });
 *   const ix = await sim.slashCommand({ user: alice, guildId: guild.id, command: 'xp', subcommand: 'add',
 *     options: { user: alice.id, amount: 5 } });
 *   await ix.initialResponse();        // {type, data}; rejects after the 3 s deadline
 *   const reply = await ix.reply();    // {content, embeds, components, flags, ephemeral, attachments, message}
 *   await sim.clickButton({ user: alice, message: reply.message, customId: 'xp:confirm' });
 *   await sim.sendDM(alice, 'hello'); await sim.waitForMessage({ dmUserId: alice.id });
 *   sim.oauth.authorize({ userId: alice.id, url: authorizeUrl }) → redirect URL with ?code&state; the
 *     redirect_uri must be registered (`redirectUris` option / `sim.application.redirectUris`), else it throws
 *   sim.violations / sim.unknownRoutes / sim.faults.inject({ path: /messages/, status: 503 })
 *   sim.rateLimit.peakPerSecond / .refused / .windows  // Discord's global limit: 50 bot-token requests a second
 *   await sim.close();
 *
 * REST is served under `/api/v10`, `/api/v9` and `/api`; the gateway at `ws://…/gateway`. Every breach
 * of a Discord rule the bot commits is answered with Discord's error AND recorded in `sim.violations`
 * ({rule, detail}): `initial-response-deadline`, `double-acknowledge`, `content-length`, `embed-*`,
 * `embeds-count`, `autocomplete-choices`, `autocomplete-choice-name|value`, `custom-id-length`,
 * `action-rows`, `buttons-per-row`, `select-options`, `modal-*`, `empty-message`, `callback-type`,
 * `webhook-before-ack`, `followup-after-modal`, `interaction-token-expired`, `command-definition`, `bot-token`.
 *
 * Gateway: HELLO, heartbeat ACKs, IDENTIFY → READY (guilds unavailable) + GUILD_CREATE each, RESUME
 * replays missed events then RESUMED, shard routing `(guild_id >> 22) % count` (DMs → shard 0),
 * intents (DMs need DIRECT_MESSAGES, guild content needs MESSAGE_CONTENT). Server lifecycle:
 * `sim.removeBot(guildId)` sends GUILD_DELETE (no `unavailable`) and the server's routes answer 403
 * Missing Access; `sim.addBot(guildId)` sends GUILD_CREATE with a fresh `joined_at`;
 * `sim.removeMember` sends GUILD_MEMBER_REMOVE to sessions with GUILD_MEMBERS. Frames are uncompressed
 * JSON text: discord.js only asks for zlib-stream when `zlib-sync` is installed, and then still
 * accepts text frames.
 *
 * Deliberately unsupported: voice, threads, presences, ETF encoding, attachment options in commands.
 */
import type { AddressInfo } from 'node:net';
import type { ApplicationControls, DiscordSimulator, DiscordSimulatorOptions } from './api.js';
import type { SimConfig } from './config.js';
import type { SimContext } from './context.js';
import { FaultInjector } from './faults.js';
import { GatewayServer } from './gateway.js';
import { InteractionRegistry } from './interactions/registry.js';
import type { UnknownRoute, Violation } from './model.js';
import { OAuthState } from './oauth.js';
import { commandRoutes } from './routes/commands.js';
import { coreRoutes } from './routes/core.js';
import { GlobalRateLimiter } from './rate-limit.js';
import { interactionRoutes } from './routes/interactions.js';
import { messageRoutes } from './routes/messages.js';
import { createHttpServer } from './server.js';
import { Simulator } from './simulator.js';
import { createSnowflakeFactory } from './snowflake.js';
import { SimStore } from './store.js';

export type * from './api.js';
export type * from './model.js';
export type { FaultRule } from './faults.js';
export type { RateLimitControls, RateWindow } from './rate-limit.js';
export { GLOBAL_REQUESTS_PER_SECOND } from './rate-limit.js';
export { EPHEMERAL_FLAG } from './model.js';
export { shardOf } from './snowflake.js';

export async function startDiscordSimulator(options: DiscordSimulatorOptions): Promise<DiscordSimulator> {
  const now = options.now ?? Date.now;
  const nextId = createSnowflakeFactory(now);
  const config: SimConfig = {
    botToken: options.botToken,
    applicationId: options.applicationId,
    clientSecret: options.clientSecret ?? 'sim-client-secret',
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    initialResponseDeadlineMs: options.initialResponseDeadlineMs ?? 3_000,
    interactionTokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
    nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
    serverMembersIntent: options.serverMembersIntent ?? false,
  };
  const botUser = options.botUser ?? { id: options.applicationId, username: 'bot' };
  const store = new SimStore(nextId, botUser.id);
  store.addUser({ id: botUser.id, username: botUser.username, bot: true, email: null });
  const violations: Violation[] = [];
  const unknownRoutes: UnknownRoute[] = [];
  let origin = '';
  // One object: tests misconfigure it through `sim.application`, and the authorize page reads it live.
  const application: ApplicationControls = { redirectUris: [...(options.redirectUris ?? [])], interactionsEndpointUrl: null };
  const ctx: SimContext = {
    config,
    store,
    nextId,
    now,
    origin: () => origin,
    violations,
    gateway: new GatewayServer({ store, config, origin: () => origin, nextId }),
    interactions: new InteractionRegistry(store, config.initialResponseDeadlineMs, violations),
    oauth: new OAuthState({ store, applicationId: config.applicationId, clientSecret: config.clientSecret, redirectUris: () => application.redirectUris, now }),
    application,
  };
  const faults = new FaultInjector();
  const routes = [...coreRoutes(ctx), ...messageRoutes(ctx), ...commandRoutes(ctx), ...interactionRoutes(ctx), ...ctx.oauth.routes()];
  const rateLimit = new GlobalRateLimiter(now);
  const server = createHttpServer({ ctx, routes, faults, rateLimit, unknownRoutes });
  ctx.gateway.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return new Simulator(ctx, server, faults, rateLimit, unknownRoutes);
}

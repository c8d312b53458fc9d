/** The gateway WebSocket: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME with replay, shards, intents. */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { SimMessage } from './model.js';
import { apiMember, apiUser, guildCreatePayload, apiMessage, type Json } from './serialize.js';
import { shardOf } from './snowflake.js';
import type { SimStore } from './store.js';
import type { SimConfig } from './config.js';

export const Intents = { Guilds: 1 << 0, GuildMembers: 1 << 1, GuildVoiceStates: 1 << 7, GuildMessages: 1 << 9, DirectMessages: 1 << 12, MessageContent: 1 << 15 };

const REPLAY_BUFFER = 1000;

interface Session {
  id: string;
  shard: [number, number];
  intents: number;
  seq: number;
  buffer: Array<{ s: number; frame: string }>;
  socket: WebSocket | null;
  ready: boolean;
  resumable: boolean;
}

const frameSchema = z.looseObject({ op: z.number().int(), d: z.unknown() });
const identifySchema = z.looseObject({
  token: z.string(),
  intents: z.number().int().min(0),
  shard: z.tuple([z.number().int().min(0), z.number().int().min(1)]).optional(),
});
const resumeSchema = z.looseObject({ token: z.string(), session_id: z.string(), seq: z.number().int().nullable() });
const requestMembersSchema = z.looseObject({
  guild_id: z.string(),
  user_ids: z.union([z.string(), z.array(z.string())]).optional(),
  nonce: z.string().optional(),
});

interface GatewayEvents {
  ready: [shardId: number];
  resumed: [shardId: number];
}

export interface GatewayDeps {
  store: SimStore;
  config: SimConfig;
  origin: () => string;
  nextId: () => string;
}

export class GatewayServer extends EventEmitter<GatewayEvents> {
  identifyCount = 0;
  resumeCount = 0;
  connections = 0;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<string, Session>();

  constructor(readonly deps: GatewayDeps) {
    super();
    this.#wss.on('connection', (socket: WebSocket) => this.#onConnection(socket));
  }

  get url(): string {
    return `${this.deps.origin().replace(/^http/, 'ws')}/gateway`;
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://gateway.local');
      if (!url.pathname.startsWith('/gateway')) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        const version = url.searchParams.get('v');
        const encoding = url.searchParams.get('encoding') ?? 'json';
        if (version !== null && version !== '10' && version !== '9') ws.close(4012, 'Invalid API version');
        else if (encoding !== 'json') ws.close(4002, 'Only json encoding is supported');
        else this.#wss.emit('connection', ws, req);
      });
    });
  }

  /** Sends a dispatch to every live session that should see it (guild shard or shard 0 for DMs). */
  dispatchTo(guildId: string | null, event: string, data: unknown, intent?: number): void {
    for (const session of this.#sessions.values()) {
      if (!session.resumable || !session.ready) continue;
      // A server the bot is not in sends it nothing (GUILD_DELETE goes out before the bot's member is removed).
      if (guildId !== null && !this.deps.store.hasBot(guildId)) continue;
      const [shardId, shardCount] = session.shard;
      const shard = guildId === null ? 0 : shardOf(guildId, shardCount);
      if (shard !== shardId) continue;
      if (intent !== undefined && (session.intents & intent) === 0) continue;
      this.#dispatch(session, event, data);
    }
  }

  dispatchMessage(event: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: SimMessage): void {
    const payload = apiMessage(this.deps.store, message, this.deps.config.applicationId);
    const intent = message.guildId ? Intents.GuildMessages : Intents.DirectMessages;
    for (const session of this.#sessions.values()) {
      if (!session.resumable || !session.ready || (session.intents & intent) === 0) continue;
      const [shardId, shardCount] = session.shard;
      if ((message.guildId === null ? 0 : shardOf(message.guildId, shardCount)) !== shardId) continue;
      // Without MESSAGE_CONTENT, guild messages from others arrive without their content.
      const hidden =
        message.guildId !== null && message.authorId !== this.deps.store.botUserId && (session.intents & Intents.MessageContent) === 0;
      this.#dispatch(session, event, hidden ? { ...payload, content: '', embeds: [], attachments: [], components: [] } : payload);
    }
  }

  /** True when some ready session would receive events of this guild (or of DMs for null). */
  hasListener(guildId: string | null): boolean {
    return [...this.#sessions.values()].some(
      (s) => s.ready && s.resumable && s.shard[0] === (guildId === null ? 0 : shardOf(guildId, s.shard[1])),
    );
  }

  disconnect(options: { resumable?: boolean; shardId?: number } = {}): void {
    for (const session of this.#sessions.values()) {
      if (!session.socket || (options.shardId !== undefined && session.shard[0] !== options.shardId)) continue;
      const socket = session.socket;
      session.socket = null;
      if (options.resumable ?? true) socket.close(4000, 'Unknown error');
      else {
        session.resumable = false;
        socket.close(1000, 'Session closed');
      }
    }
  }

  waitForReady(options: { shardId?: number; timeoutMs?: number } = {}): Promise<void> {
    const matches = (shardId: number) => options.shardId === undefined || options.shardId === shardId;
    if ([...this.#sessions.values()].some((s) => s.ready && s.resumable && s.socket && matches(s.shard[0]))) {
      return Promise.resolve();
    }
    return this.#waitFor('ready', matches, options.timeoutMs ?? 10_000);
  }

  waitForResume(timeoutMs = 10_000): Promise<void> {
    return this.#waitFor('resumed', () => true, timeoutMs);
  }

  #waitFor(event: 'ready' | 'resumed', matches: (shardId: number) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, listener);
        reject(new Error(`discord-sim: no gateway ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (shardId: number) => {
        if (!matches(shardId)) return;
        clearTimeout(timer);
        this.off(event, listener);
        resolve();
      };
      this.on(event, listener);
    });
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #send(socket: WebSocket, payload: Json): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }

  #dispatch(session: Session, event: string, data: unknown): void {
    session.seq += 1;
    const frame = JSON.stringify({ op: 0, t: event, s: session.seq, d: data });
    session.buffer.push({ s: session.seq, frame });
    if (session.buffer.length > REPLAY_BUFFER) session.buffer.shift();
    if (session.socket?.readyState === session.socket?.OPEN) session.socket?.send(frame);
  }

  #onConnection(socket: WebSocket): void {
    this.connections += 1;
    let session: Session | null = null;
    this.#send(socket, { op: 10, d: { heartbeat_interval: this.deps.config.heartbeatIntervalMs } });
    socket.on('message', (raw: Buffer, isBinary: boolean) => {
      let frame: z.infer<typeof frameSchema>;
      try {
        frame = frameSchema.parse(JSON.parse(isBinary ? raw.toString('utf8') : raw.toString()));
      } catch {
        socket.close(4002, 'Decode error');
        return;
      }
      switch (frame.op) {
        case 1:
          this.#send(socket, { op: 11 });
          return;
        case 2:
          if (session) socket.close(4005, 'Already authenticated');
          else session = this.#identify(socket, frame.d);
          return;
        case 6:
          if (session) socket.close(4005, 'Already authenticated');
          else session = this.#resume(socket, frame.d);
          return;
        case 3:
        case 4:
          if (!session) socket.close(4003, 'Not authenticated');
          return;
        case 8:
          if (!session) socket.close(4003, 'Not authenticated');
          else this.#requestMembers(session, frame.d);
          return;
        default:
          socket.close(4001, 'Unknown opcode');
      }
    });
    socket.on('close', (code: number) => {
      if (session?.socket !== socket) return;
      session.socket = null;
      // A client that says goodbye normally ends its session; other closes leave it resumable.
      if (code === 1000 || code === 1001) session.resumable = false;
    });
  }

  #identify(socket: WebSocket, data: unknown): Session | null {
    const parsed = identifySchema.safeParse(data);
    if (!parsed.success) {
      socket.close(4002, 'Decode error');
      return null;
    }
    if (parsed.data.token.replace(/^Bot /, '') !== this.deps.config.botToken) {
      socket.close(4004, 'Authentication failed');
      return null;
    }
    const [shardId, shardCount] = parsed.data.shard ?? [0, 1];
    if (shardId >= shardCount) {
      socket.close(4010, 'Invalid shard');
      return null;
    }
    this.identifyCount += 1;
    const session: Session = {
      id: this.deps.nextId(),
      shard: [shardId, shardCount],
      intents: parsed.data.intents,
      seq: 0,
      buffer: [],
      socket,
      ready: false,
      resumable: true,
    };
    this.#sessions.set(session.id, session);
    const { store, config } = this.deps;
    const guilds = [...store.guilds.values()].filter((g) => shardOf(g.id, shardCount) === shardId && store.hasBot(g.id));
    this.#dispatch(session, 'READY', {
      v: 10,
      user: { ...apiUser(store.user(store.botUserId)), verified: true, mfa_enabled: false, email: null },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.url,
      shard: [shardId, shardCount],
      application: { id: config.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      user_settings: {},
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      _trace: ['discord-sim'],
    });
    const voiceStates = (session.intents & Intents.GuildVoiceStates) !== 0;
    for (const guild of guilds) this.#dispatch(session, 'GUILD_CREATE', guildCreatePayload(store, guild, { voiceStates }));
    session.ready = true;
    this.emit('ready', shardId);
    return session;
  }

  #resume(socket: WebSocket, data: unknown): Session | null {
    const parsed = resumeSchema.safeParse(data);
    const session = parsed.success ? this.#sessions.get(parsed.data.session_id) : undefined;
    if (!parsed.success || parsed.data.token.replace(/^Bot /, '') !== this.deps.config.botToken) {
      socket.close(4004, 'Authentication failed');
      return null;
    }
    const seq = parsed.data.seq ?? 0;
    const oldest = session?.buffer[0]?.s ?? 1;
    if (!session || !session.resumable || seq > session.seq || (seq + 1 < oldest && seq < session.seq)) {
      this.#send(socket, { op: 9, d: false });
      return null;
    }
    this.resumeCount += 1;
    session.socket?.terminate();
    session.socket = socket;
    for (const { s, frame } of session.buffer) if (s > seq) socket.send(frame);
    this.#dispatch(session, 'RESUMED', null);
    this.emit('resumed', session.shard[0]);
    return session;
  }

  #requestMembers(session: Session, data: unknown): void {
    const parsed = requestMembersSchema.safeParse(data);
    if (!parsed.success || !this.deps.store.guilds.has(parsed.data.guild_id)) return;
    const { guild_id: guildId, user_ids: userIds, nonce } = parsed.data;
    const wanted = userIds === undefined ? null : new Set(Array.isArray(userIds) ? userIds : [userIds]);
    const members = this.deps.store.membersOf(guildId).filter((m) => wanted === null || wanted.has(m.userId));
    this.#dispatch(session, 'GUILD_MEMBERS_CHUNK', {
      guild_id: guildId,
      members: members.map((m) => apiMember(this.deps.store, m)),
      chunk_index: 0,
      chunk_count: 1,
      not_found: wanted ? [...wanted].filter((id) => !members.some((m) => m.userId === id)) : [],
      ...(nonce ? { nonce } : {}),
    });
  }
}

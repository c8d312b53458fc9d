/** Interactions sent to the bot and what the bot answered: state, deadlines and the test-facing handle. */
import { EventEmitter } from 'node:events';
import type { InteractionHandle, InteractionResponse, VisibleReply, WaitOptions } from '../api.js';
import { EPHEMERAL_FLAG, type SimComponent, type SimMessage, type Violation } from '../model.js';
import type { SimStore } from '../store.js';

/** Discord marks a deferred reply's placeholder message as loading. */
export const LOADING_FLAG = 1 << 7;

export interface InteractionRecord {
  id: string;
  token: string;
  /** 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  type: number;
  /** Shown in error messages, e.g. `/xp add` or `button xp:confirm`. */
  label: string;
  channelId: string;
  guildId: string | null;
  userId: string;
  createdAt: number;
  response: InteractionResponse | null;
  /** Message a component / modal was used on. */
  sourceMessageId: string | null;
  originalMessageId: string | null;
  /** Whether the `@original` message changed after a deferred acknowledgement. */
  originalSettled: boolean;
  followUpIds: string[];
  deadlineTimer: NodeJS.Timeout | null;
  /** Set once the missed deadline has been recorded as a violation. */
  deadlineMissed: boolean;
}

interface RegistryEvents {
  change: [record: InteractionRecord];
}

export class InteractionRegistry extends EventEmitter<RegistryEvents> {
  readonly #records = new Map<string, InteractionRecord>();
  readonly #byToken = new Map<string, InteractionRecord>();

  constructor(
    private readonly store: SimStore,
    private readonly deadlineMs: number,
    private readonly violations: Violation[],
  ) {
    super();
    this.setMaxListeners(0);
  }

  get(id: string): InteractionRecord | undefined {
    return this.#records.get(id);
  }

  byToken(token: string): InteractionRecord | undefined {
    return this.#byToken.get(token);
  }

  add(record: InteractionRecord): InteractionRecord {
    this.#records.set(record.id, record);
    this.#byToken.set(record.token, record);
    record.deadlineTimer = setTimeout(() => {
      record.deadlineTimer = null;
      if (record.response === null && !record.deadlineMissed) {
        record.deadlineMissed = true;
        this.violations.push({
          rule: 'initial-response-deadline',
          detail: `${record.label}: no initial response within ${this.deadlineMs} ms`,
        });
      }
    }, this.deadlineMs);
    record.deadlineTimer.unref();
    return record;
  }

  changed(record: InteractionRecord): void {
    if (record.response && record.deadlineTimer) {
      clearTimeout(record.deadlineTimer);
      record.deadlineTimer = null;
    }
    this.emit('change', record);
  }

  /** Modals the bot showed, oldest first. */
  modals(): Array<{ custom_id: string; components: SimComponent[] }> {
    return [...this.#records.values()].flatMap((r) =>
      r.response?.type === 9 && r.response.data ? [r.response.data as { custom_id: string; components: SimComponent[] }] : [],
    );
  }

  close(): void {
    for (const record of this.#records.values()) if (record.deadlineTimer) clearTimeout(record.deadlineTimer);
  }

  /** Resolves with `pick(record)` once it is defined; rejects with `describe()` after `timeoutMs`. */
  waitUntil<T>(record: InteractionRecord, pick: (r: InteractionRecord) => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const now = pick(record);
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('change', listener);
        reject(new Error(describe()));
      }, timeoutMs);
      const listener = (changed: InteractionRecord) => {
        if (changed !== record) return;
        const value = pick(record);
        if (value === undefined) return;
        clearTimeout(timer);
        this.off('change', listener);
        resolve(value);
      };
      this.on('change', listener);
    });
  }

  handle(record: InteractionRecord): InteractionHandle {
    const message = (id: string | null) => (id === null ? undefined : this.store.messages.get(id));
    let followUpsSeen = 0;
    const initialResponse = () =>
      this.waitUntil(
        record,
        (r) => r.response ?? undefined,
        this.deadlineMs + 250,
        () => `discord-sim: the bot did not acknowledge ${record.label} (interaction ${record.id}) within ${this.deadlineMs} ms`,
      );
    return {
      id: record.id,
      token: record.token,
      initialResponse,
      reply: async (options: WaitOptions = {}): Promise<VisibleReply> => {
        const response = await initialResponse();
        if (response.type === 8 || response.type === 9 || response.type === 1) {
          throw new Error(`discord-sim: ${record.label} was answered with callback type ${response.type}, which shows no message`);
        }
        // The reply is the settled original — or, when the bot deleted its "thinking…" placeholder to answer
        // with the other visibility, the follow-up that took its place; after a silent acknowledgement of a
        // component (type 6), whichever the bot sent first: the edited message or a new one following it.
        const visible = await this.waitUntil(
          record,
          (r) => {
            if (r.originalSettled) return message(r.originalMessageId);
            if (response.type === 6) return message(r.followUpIds[0] ?? null);
            return message(r.originalMessageId)?.deleted ? message(r.followUpIds[0] ?? null) : undefined;
          },
          options.timeoutMs ?? 10_000,
          () => `discord-sim: ${record.label} was deferred (type ${response.type}) but the reply was never edited in`,
        );
        return toVisible(visible);
      },
      get followUps() {
        return record.followUpIds.map((id) => message(id)).filter((m): m is SimMessage => m !== undefined);
      },
      waitForFollowUp: async (options: WaitOptions = {}) => {
        const index = followUpsSeen;
        const found = await this.waitUntil(
          record,
          (r) => message(r.followUpIds[index] ?? null),
          options.timeoutMs ?? 10_000,
          () => `discord-sim: no follow-up #${index + 1} for ${record.label}`,
        );
        followUpsSeen = index + 1;
        return found;
      },
      get original() {
        return message(record.originalMessageId);
      },
    };
  }
}

export function toVisible(message: SimMessage): VisibleReply {
  return {
    content: message.content,
    embeds: message.embeds,
    components: message.components,
    flags: message.flags,
    ephemeral: (message.flags & EPHEMERAL_FLAG) !== 0,
    attachments: message.attachments,
    message,
  };
}

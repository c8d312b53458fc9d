import { describe, expect, it } from 'vitest';
import type { SimMessage } from '../../packages/sandbox/src/discord-sim/model.js';
import { createSnowflakeFactory } from '../../packages/sandbox/src/discord-sim/snowflake.js';
import { SimStore } from '../../packages/sandbox/src/discord-sim/store.js';

function message(store: SimStore, channelId: string, content: string): SimMessage {
  return store.addMessage({
    id: store.nextId(), channelId, guildId: null, authorId: store.botUserId, content, embeds: [], components: [], flags: 0,
    attachments: [], timestamp: new Date().toISOString(), editedTimestamp: null, nonce: null, interactionId: null,
    webhookId: null, referencedMessageId: null, deleted: false,
  });
}

describe('SimStore messages by channel', () => {
  it("lists a channel's messages in order and knows its newest one that is not deleted", () => {
    const store = new SimStore(createSnowflakeFactory(), '1');
    const first = message(store, 'a', 'first');
    message(store, 'b', 'elsewhere');
    const second = message(store, 'a', 'second');
    for (let i = 0; i < 1000; i++) message(store, 'b', `noise ${i}`);
    expect(store.channelMessages('a').map((m) => m.content)).toEqual(['first', 'second']);
    expect(store.lastMessage('a')).toBe(second);
    second.deleted = true;
    store.updateMessage(second);
    expect(store.lastMessage('a')).toBe(first);
    expect(store.channelMessages('a')).toEqual([first]);
    expect(store.channelHistory('a')).toEqual([first, second]);
    store.addMessage(first); // re-adding the same message does not list it twice
    expect(store.channelMessages('a')).toEqual([first]);
    expect(store.lastMessage('c')).toBeUndefined();
  });
});

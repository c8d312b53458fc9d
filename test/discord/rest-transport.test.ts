/**
 * The bot's file uploads (XP ledger CSV, stats chart) do not depend on which undici copy the process
 * loaded first. undici keeps one process-wide dispatcher, installed by the first copy to load; when that is
 * the bot's own undici 7 (the Valentina client), discord.js's default transport hands it a FormData it does
 * not recognise and the upload fails. The bot's Discord client and REST use Node's fetch instead.
 */
import { Client, Routes } from 'discord.js';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordSimulator, type DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { loadConfig } from '../../src/config.js';
import { discordClientOptions } from '../../src/discord/client.js';
import { createRest } from '../../src/discord/register.js';

const TOKEN = 'upload-bot';
const CSV = Buffer.from('date,amount,reason\n2024-05-01,3,Session 12\n');

let sim: DiscordSimulator;
let previous: Dispatcher;
const undici7 = new Agent();

beforeAll(async () => {
  sim = await startDiscordSimulator({ botToken: TOKEN, applicationId: '1190000000000000001' });
  // What loading undici 7 before discord.js does in a process: its Agent becomes everyone's dispatcher.
  previous = getGlobalDispatcher();
  setGlobalDispatcher(undici7);
});

afterAll(async () => {
  setGlobalDispatcher(previous);
  await undici7.close();
  await sim?.close();
});

function botConfig() {
  return loadConfig({
    DISCORD_TOKEN: TOKEN,
    DISCORD_CLIENT_ID: '1190000000000000001',
    DISCORD_CLIENT_SECRET: 'secret',
    PUBLIC_URL: 'https://bot.example.org',
    VALENTINA_API_KEY: 'key',
    DISCORD_API_URL: sim.apiUrl,
  });
}

describe('file uploads with undici 7 as the process-wide dispatcher', () => {
  it('the Discord client posts an attachment that arrives byte for byte', async () => {
    const guild = sim.addGuild({ name: 'Table' });
    const client = new Client(discordClientOptions(botConfig()));
    client.rest.setToken(TOKEN);
    try {
      await client.rest.post(Routes.channelMessages(guild.defaultChannelId), {
        body: { content: 'XP ledger' },
        files: [{ name: 'ledger.csv', data: CSV }],
      });
    } finally {
      await client.destroy();
    }
    const posted = await sim.waitForMessage({ channelId: guild.defaultChannelId });
    expect(posted.content).toBe('XP ledger');
    expect(posted.attachments.map((a) => a.filename)).toEqual(['ledger.csv']);
    expect(posted.attachments[0]?.data.equals(CSV)).toBe(true);
  });

  it("the bot's REST (deliveries, command registration) posts an attachment too", async () => {
    const guild = sim.addGuild({ name: 'Other table' });
    await createRest(botConfig()).post(Routes.channelMessages(guild.defaultChannelId), {
      body: { content: 'chart' },
      files: [{ name: 'chart.png', data: CSV, contentType: 'image/png' }],
    });
    const posted = await sim.waitForMessage({ channelId: guild.defaultChannelId });
    expect(posted.attachments[0]?.filename).toBe('chart.png');
    expect(posted.attachments[0]?.data.equals(CSV)).toBe(true);
  });
});

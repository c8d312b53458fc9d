/**
 * A burst on cold caches spends one Valentina call per thing it needs, not one per command: the same
 * player sends `/xp show` many times at once, right after a deploy (nothing cached). Valentina's answer
 * to the first identity lookup is held until every command reached the bot (each was deferred), so all
 * of them meet on the cold path. Then Valentina receives one lookup for the player, one read of the
 * company's campaign list and one read of the player's balances — in one process, and across two
 * gateway processes (which share the lookup and the list through Redis, each reading the balances
 * once) — and every command shows the player's balances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import type { SimUser } from '../../packages/sandbox/src/discord-sim/model.js';
import type { FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { bindChicago, startStack, type Stack } from '../support/bot-process.js';
import { startShardedDeployment, type ShardedDeployment } from '../support/shards.js';

const { chicago } = FIXTURE_IDS.companies;
const main = FIXTURE_IDS.campaigns.main;
const mara = FIXTURE_IDS.users.mara;
const COMMANDS = 12;

/** What `/xp show` must say of Mara's balance in the main campaign, from Valentina's own store. */
function maraBalance(fake: FakeValentina): string {
  const e = fake.store.getExperience(mara.id, main)!;
  return `**${e.xp_current}** XP available · ${e.xp_total} total`;
}

/**
 * Sends `count` `/xp show` of `user` to each guild while Valentina holds the first lookup, waits until
 * every command was deferred (it is in the bot's hands, waiting), lets the lookup go, and returns the answers.
 */
async function coldBurst(sim: DiscordSimulator, fake: FakeValentina, user: SimUser, guildIds: string[], count: number) {
  const release = fake.faults.hold({ method: 'GET', path: '/users/lookup' });
  fake.clearRequests();
  try {
    const handles = await Promise.all(
      guildIds.flatMap((guildId) => Array.from({ length: count }, () => sim.slashCommand({ user, guildId, command: 'xp', subcommand: 'show' }))),
    );
    await Promise.all(handles.map((handle) => handle.initialResponse()));
    release();
    return await Promise.all(handles.map((handle) => handle.reply({ timeoutMs: 30_000 })));
  } finally {
    release();
  }
}

/** Valentina's requests of the burst, as `METHOD /path` (ids kept), counted. */
function requestCounts(fake: FakeValentina): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of fake.requests) {
    const key = `${request.method} ${request.path.replace('/api/v1', '')}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const lookup = 'GET /users/lookup';
const campaigns = `GET /companies/${chicago}/campaigns`;
const balances = `GET /companies/${chicago}/users/${mara.id}`;

describe('a cold-cache burst in one process', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await bindChicago(stack, MAIN_CAMPAIGN_AS_DEFAULT);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(`reads each thing once for ${COMMANDS} commands of one player, and answers every one`, { timeout: 60_000 }, async () => {
    const { sim, fake, users, guild } = stack;
    const answers = await coldBurst(sim, fake, users.mara, [guild.id], COMMANDS);

    const shown = answers.map((answer) => answer.embeds[0]?.fields?.find((field) => field.name === 'Requiem for the Loop')?.value ?? answer.content);
    expect(shown).toHaveLength(COMMANDS);
    expect(shown.filter((value) => !value.includes(maraBalance(fake)))).toEqual([]);
    expect(requestCounts(fake)).toEqual({ [lookup]: 1, [campaigns]: 1, [balances]: 1 });
    expect(fake.requests.every((request) => request.status === 200)).toBe(true);
  });
});

describe('a cold-cache burst across two gateway processes', () => {
  let deployment: ShardedDeployment;

  beforeAll(async () => {
    deployment = await startShardedDeployment({ name: 'cold' });
    for (const shard of [0, 1]) await deployment.startGateway(shard);
  }, 90_000);

  afterAll(async () => {
    await deployment?.close();
  });

  it(`looks the player up once and reads the campaign list once for ${2 * COMMANDS} commands on two processes`, { timeout: 60_000 }, async () => {
    const { sim, fake, users, guilds } = deployment;
    const answers = await coldBurst(sim, fake, users.mara, guilds.map((guild) => guild.id), COMMANDS);

    const shown = answers.map((answer) => answer.embeds[0]?.fields?.find((field) => field.name === 'Requiem for the Loop')?.value ?? answer.content);
    expect(shown).toHaveLength(2 * COMMANDS);
    expect(shown.filter((value) => !value.includes(maraBalance(fake)))).toEqual([]);
    // The lookup and the list are shared through Redis; each process reads the balances once for its commands.
    expect(requestCounts(fake)).toEqual({ [lookup]: 1, [campaigns]: 1, [balances]: 2 });
    expect(fake.requests.every((request) => request.status === 200)).toBe(true);
  });
});

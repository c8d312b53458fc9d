/**
 * `/roll request` end to end: a storyteller asks a player to roll; only that player's press rolls,
 * once however often it is pressed; a secret request's result reaches the storyteller alone; and an
 * unanswered request expires — its message says so and a late press is refused.
 *
 * The three stacks are independent (own simulator, fake and Redis prefix), so their suites run side
 * by side: the expiry suites' waits for the TTL overlap the main suite, whose tests share one stack
 * and stay in order (`it.sequential`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { bindChicago, startStack, waitFor, type GuildMemberName, type Stack } from '../support/bot-process.js';

const { users, characters, traits, campaigns } = FIXTURE_IDS;
const LUCIEN = "Lucien 'Luke' Carrow";

type Options = Record<string, string | number | boolean>;

function helpers(get: () => Stack) {
  const ask = async (user: GuildMemberName, options: Options) => {
    const stack = get();
    const reply = await stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command: 'roll', subcommand: 'request', options }).then((ix) => ix.reply());
    return reply;
  };
  /** The request message the bot posted for `player` (the newest one not returned before). */
  const posted = (player: GuildMemberName) => {
    const stack = get();
    return stack.sim.waitForMessage({ channelId: stack.guild.defaultChannelId, timeoutMs: 10_000, predicate: (m) => m.content.startsWith(`<@${stack.users[player].id}>, `) });
  };
  const press = (user: GuildMemberName, message: SimMessage) => {
    const stack = get();
    const customId = message.components.flatMap((row) => row.components ?? []).find((c) => c.custom_id?.startsWith('v1|roll.req|'))!.custom_id!;
    return stack.sim.clickButton({ user: stack.users[user], guildId: stack.guild.id, message, customId }).then((ix) => ix.reply());
  };
  const current = (message: SimMessage) => get().sim.channelMessages(message.channelId).find((m) => m.id === message.id)!;
  const rolls = () => get().fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dicerolls'));
  return { ask, posted, press, current, rolls };
}

describe.concurrent('/roll request', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await bindChicago(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });
  const { ask, posted, press, current, rolls } = helpers(() => stack);

  it.sequential('is for storytellers and admins only', async () => {
    const refused = await ask('bastien', { player: stack.users.mara.id, pool: 'Wits', difficulty: 6 });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('Only storytellers and admins can ask a player to roll');
  });

  it.sequential('posts a request only the named player can press; their press rolls with their character and posts the result', async () => {
    const confirmation = await ask('celeste', { player: stack.users.mara.id, pool: 'Dexterity + Firearms', difficulty: 7, comment: 'The getaway' });
    expect(confirmation.ephemeral).toBe(true);
    expect(confirmation.content).toContain(`Asked <@${stack.users.mara.id}> to roll **Dexterity + Firearms** at difficulty **7**`);
    const request = await posted('mara');
    expect(request.content).toContain(`<@${stack.users.celeste.id}> asks you to roll **Dexterity + Firearms** at difficulty **7** — *The getaway*`);
    expect(request.components[0]!.components!.map((c) => c.label)).toEqual(['Roll']);

    const calls = rolls().length;
    const refused = await press('bastien', request);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain(`This roll is for <@${stack.users.mara.id}>: only they can press **Roll**.`);
    expect(rolls()).toHaveLength(calls);

    stack.fake.forceDice([8, 9, 2, 3, 10]);
    const result = await press('mara', request);
    expect(result.ephemeral).toBe(false);
    expect(result.content).toBe(`Requested by <@${stack.users.celeste.id}>`);
    expect(result.embeds[0]!.title).toBe(`🎲 ${LUCIEN} — Dexterity + Firearms`);
    expect(result.embeds[0]!.description).toContain('Dexterity 3 + Firearms 2 = **5 dice** at difficulty **7**');
    const sent = rolls().at(-1)!;
    expect(sent.headers['on-behalf-of']).toBe(users.mara.id);
    expect(sent.body).toEqual({ num_dice: 5, difficulty: 7, dice_size: 10, num_desperation_dice: 0, comment: 'The getaway', trait_ids: [traits.dexterity, traits.firearms], character_id: characters.lucien, campaign_id: campaigns.main });
    await waitFor('the request message to say it was rolled', 10_000, () => current(request).content.startsWith('✅'));
    expect(current(request).components[0]!.components![0]).toMatchObject({ label: 'Rolled', disabled: true });
  });

  it.sequential('rolls once when pressed twice at the same moment', async () => {
    await ask('viktor', { player: stack.users.mara.id, pool: '6', difficulty: 6 });
    const request = await posted('mara');
    const before = stack.fake.store.diceRolls.size;
    const answers = await Promise.all([press('mara', request), press('mara', request)]);
    expect(answers.filter((a) => !a.ephemeral && a.embeds[0]?.title === `🎲 ${LUCIEN} — 6 dice`)).toHaveLength(1);
    expect(answers.filter((a) => a.ephemeral && /already rolled|being rolled/.test(a.content))).toHaveLength(1);
    expect(stack.fake.store.diceRolls.size).toBe(before + 1);
    await waitFor('the request message to say it was rolled', 10_000, () => current(request).content.startsWith('✅'));
    expect(stack.fake.store.diceRolls.size).toBe(before + 1);
  });

  it.sequential("sends a secret request's result to the storyteller alone", async () => {
    await ask('celeste', { player: stack.users.mara.id, pool: 'Wits + Awareness', difficulty: 6, secret: true });
    const request = await posted('mara');
    expect(request.content).toContain('A secret roll: only the storyteller will see the result');
    const answer = await press('mara', request);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain(`The result was sent to the storyteller (<@${stack.users.celeste.id}>)`);
    expect(answer.embeds).toHaveLength(0);
    const dm = await stack.sim.waitForMessage({ dmUserId: stack.users.celeste.id, timeoutMs: 10_000 });
    expect(dm.content).toContain(`<@${stack.users.mara.id}> rolled your secret request`);
    expect(dm.embeds[0]!.title).toBe(`🎲 ${LUCIEN} — Wits + Awareness`);
    await waitFor('the request message to say it was rolled in secret', 10_000, () => current(request).content.startsWith('🔒'));
    expect(current(request).embeds).toHaveLength(0);
  });

  it.sequential('says so when the bot cannot post the request in the channel', async () => {
    const closed = stack.sim.addChannel(stack.guild.id, { name: 'backroom' });
    stack.sim.setChannelPermissions(closed.id, { botCanSend: false });
    const reply = await stack.sim
      .slashCommand({ user: stack.users.celeste, guildId: stack.guild.id, channelId: closed.id, command: 'roll', subcommand: 'request', options: { player: stack.users.mara.id, pool: '3', difficulty: 6 } })
      .then((ix) => ix.reply());
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain(`The bot cannot post in <#${closed.id}>: it needs **View Channel** and **Send Messages** there.`);
    expect(stack.sim.channelMessages(closed.id).filter((m) => m.interactionId === null)).toEqual([]);
  });

  it.sequential('asks a player of several characters which one rolls', async () => {
    const extra = stack.fake.store.createCharacter({ company_id: FIXTURE_IDS.companies.chicago, campaign_id: campaigns.main, name_first: 'Remy', name_last: 'Duval', character_class: 'MORTAL', type: 'PLAYER', user_player_id: users.bastien.id, user_creator_id: users.bastien.id });
    stack.fake.store.setCharacterTrait({ character_id: extra.id, trait_id: traits.wits, value: 4 });
    stack.fake.flushResponseCache();
    await stack.redis.client.del(`${stack.redis.prefix}:roll:roster:${FIXTURE_IDS.companies.chicago}:player`);
    await ask('celeste', { player: stack.users.bastien.id, pool: 'Wits', difficulty: 6 });
    const request = await posted('bastien');
    const menu = await press('bastien', request);
    expect(menu.ephemeral).toBe(true);
    const select = menu.components[0]!.components![0]!;
    expect(select.options!.map((o) => o.label).sort()).toEqual(['Isabeau Lenoir', 'Remy Duval']);
    const picked = await stack.sim.selectMenu({ user: stack.users.bastien, guildId: stack.guild.id, message: menu.message, customId: select.custom_id!, values: [extra.id] }).then((ix) => ix.reply());
    expect(picked.ephemeral).toBe(false);
    expect(picked.embeds[0]!.description).toContain('Wits 4 = **4 dice**');
    expect(rolls().at(-1)!.body).toMatchObject({ character_id: extra.id, num_dice: 4 });
  });
});

describe.concurrent('/roll request expiry', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { ROLL_REQUEST_TTL_SECONDS: '5' }, startTimeoutMs: 40_000 });
    await bindChicago(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });
  const { ask, posted, current } = helpers(() => stack);

  it('edits an unanswered request to say it expired, with its button disabled', async () => {
    const confirmation = await ask('celeste', { player: stack.users.mara.id, pool: '4', difficulty: 6 });
    expect(confirmation.content).toContain('The request expires in 5 seconds');
    const request = await posted('mara');
    await waitFor('the request message to say it expired', 30_000, () => current(request).content.startsWith('⌛'));
    expect(current(request).content).toContain(`request for <@${stack.users.mara.id}> to roll **4** at difficulty **6** expired`);
    expect(current(request).components[0]!.components![0]).toMatchObject({ label: 'Expired', disabled: true });
  });
});

describe.concurrent('/roll request pressed after it expired, before the worker marked it', () => {
  let stack: Stack;
  beforeAll(async () => {
    // No worker role in this process: the expiry job waits for a worker that is elsewhere (and late).
    stack = await startStack({ env: { ROLL_REQUEST_TTL_SECONDS: '5', BOT_ROLES: 'gateway,http' }, startTimeoutMs: 40_000 });
    await bindChicago(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });
  const { ask, posted, press, current, rolls } = helpers(() => stack);

  it('refuses the press, rolls nothing, and marks the request expired itself', async () => {
    await ask('celeste', { player: stack.users.mara.id, pool: '4', difficulty: 6 });
    const request = await posted('mara');
    const expiresAt = Number(/<t:(\d+):R>/.exec(request.content)![1]) * 1000;
    await waitFor('the request to be past its expiry', 30_000, () => Date.now() > expiresAt + 1_000);
    const calls = rolls().length;
    const late = await press('mara', request);
    expect(late.ephemeral).toBe(true);
    expect(late.content).toContain('This roll request expired');
    expect(late.content).toContain(`Ask <@${stack.users.celeste.id}> for a new one`);
    expect(rolls()).toHaveLength(calls);
    await waitFor('the request message to say it expired', 10_000, () => current(request).content.startsWith('⌛'));
    expect(current(request).components[0]!.components![0]).toMatchObject({ label: 'Expired', disabled: true });
  });
});

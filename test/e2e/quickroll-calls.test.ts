/**
 * What `/quickroll run` costs in Valentina calls: only the roll on a warm cache, and still the right
 * pool when the character's sheet or the quickroll changed — through the bot or in the web app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VisibleReply } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { bindChicago, startStack, type GuildMemberName, type Stack } from '../support/bot-process.js';

const { quickrolls, characters, traits } = FIXTURE_IDS;
const LUCIEN = "Lucien 'Luke' Carrow";

describe('/quickroll run, in Valentina calls', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await bindChicago(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  type Options = Record<string, string | number | boolean>;
  const qr = (user: GuildMemberName, subcommand: string, options: Options = {}) =>
    stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command: 'quickroll', subcommand, options }).then((ix) => ix.reply());
  /** The reply and the Valentina requests the command made (method and path). */
  const counted = async (send: () => Promise<VisibleReply>) => {
    const before = stack.fake.requests.length;
    const reply = await send();
    return { reply, calls: stack.fake.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, '').split('?')[0]}`) };
  };
  const field = (reply: VisibleReply, name: string) => reply.embeds[0]?.fields?.find((f) => f.name.includes(name));
  const lucienTrait = (traitId: string) => [...stack.fake.store.characterTraits.values()].find((t) => t.character_id === characters.lucien && t.trait_id === traitId)!;

  it('costs the roll alone on a warm cache, and the roll is the right one', async () => {
    // Cold: the first command of this member on an empty Redis.
    const cold = await counted(() => qr('mara', 'run', { quickroll: quickrolls.shoot }));
    expect(cold.reply.embeds[0]!.title).toBe(`🎲 ${LUCIEN} — Shoot`);
    // The member's link, their quickrolls, their characters and the sheet once each, then the roll; the
    // trait catalogue only when a trait is missing.
    expect(cold.calls.map((c) => c.replace(/[\da-f]{8}-[\da-f-]{27}/g, ':id'))).toEqual([
      'GET /users/lookup',
      'GET /companies/:id/users/:id/quickrolls',
      'GET /companies/:id/characters',
      'GET /companies/:id/characters/:id/traits',
      'POST /companies/:id/dicerolls/quickroll',
    ]);

    stack.fake.forceDice([6, 7, 2, 3, 4]);
    const warm = await counted(() => qr('mara', 'run', { quickroll: quickrolls.shoot }));
    expect(warm.calls).toEqual([expect.stringMatching(/^POST \/companies\/[\w-]+\/dicerolls\/quickroll$/)]);
    expect(warm.reply.embeds[0]!.description).toContain('Dexterity 3 + Firearms 2 = **5 dice** at difficulty **6**');
    expect(field(warm.reply, 'Dice')?.value).toBe('✅ 6️⃣ 7️⃣ successes: **+2**\n▫️ 2️⃣ 3️⃣ 4️⃣ under 6: no effect');
    expect(field(warm.reply, 'Success')?.value).toBe('**2** successes');
  });

  it('rolls a quickroll edited through the bot with its new traits, still with one call', async () => {
    const edited = await qr('mara', 'edit', { quickroll: quickrolls.sneak, traits: 'Wits, Investigation' });
    expect(edited.content).toContain('traits now Wits + Investigation');
    const run = await counted(() => qr('mara', 'run', { quickroll: 'Sneak' }));
    expect(run.reply.embeds[0]!.description).toContain('Wits 3 + Investigation 3 = **6 dice**');
    expect(run.calls).toHaveLength(1);
    const sent = stack.fake.requests.filter((r) => r.path.endsWith('/dicerolls/quickroll')).at(-1)!;
    expect(sent.body).toMatchObject({ quickroll_id: quickrolls.sneak, character_id: characters.lucien });
  });

  it('shows the pool Valentina rolled when the sheet changed in the web app, and remembers it', async () => {
    lucienTrait(traits.firearms).value = 4; // changed past the bot's API key
    stack.fake.flushResponseCache();
    const changed = await counted(() => qr('mara', 'run', { quickroll: quickrolls.shoot }));
    expect(changed.reply.embeds[0]!.description).toContain('Dexterity 3 + Firearms 4 = **7 dice**');
    const next = await counted(() => qr('mara', 'run', { quickroll: quickrolls.shoot }));
    expect(next.reply.embeds[0]!.description).toContain('Dexterity 3 + Firearms 4 = **7 dice**');
    expect(next.calls).toHaveLength(1);
  });

  it('rolls traits gained in the web app instead of refusing on the remembered sheet, and still refuses a character lacking them all', async () => {
    const rolls = () => stack.fake.countRequests({ method: 'POST', path: /\/dicerolls\/quickroll$/ });
    const before = rolls();
    const refused = await qr('mara', 'run', { quickroll: quickrolls.secondSight });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain(`**${LUCIEN}** has none of the traits **Second Sight** needs (Auspex, Occult)`);
    expect(rolls()).toBe(before);

    stack.fake.store.setCharacterTrait({ character_id: characters.lucien, trait_id: traits.auspex, value: 2 });
    const rolled = await qr('mara', 'run', { quickroll: quickrolls.secondSight });
    expect(rolled.ephemeral).toBe(false);
    expect(rolled.embeds[0]!.description).toContain('Auspex 2 = **2 dice**');
    expect(rolled.embeds[0]!.description).toContain('lacks **Occult**: left out of the pool');
    expect(rolls()).toBe(before + 1);
  });

  it('counts a roll in /stats at once, from the cache otherwise', async () => {
    const stats = () => stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'stats', subcommand: 'me', options: {} }).then((ix) => ix.reply());
    const total = (reply: VisibleReply) => Number(reply.embeds[0]!.fields!.find((f) => f.name === 'Rolls')!.value);
    const first = await stats();
    const again = await counted(stats);
    expect(total(again.reply)).toBe(total(first));
    expect(again.calls).toEqual([]);
    await qr('mara', 'run', { quickroll: quickrolls.shoot });
    expect(total(await stats())).toBe(total(first) + 1);
  });
});

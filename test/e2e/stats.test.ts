/** `/stats` end to end: figures from Valentina, a chart a person can open, and a friendly empty state. */
import { loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { ValentinaClient } from '../../src/valentina/index.js';
import { bindChicago, startStack, type Stack } from '../support/bot-process.js';

describe('/stats', () => {
  let stack: Stack;
  let valentina: ValentinaClient;

  beforeAll(async () => {
    stack = await startStack();
    const channelId = stack.guild.defaultChannelId;
    await bindChicago(stack, { approvalsChannelId: channelId, ...MAIN_CAMPAIGN_AS_DEFAULT });
    valentina = new ValentinaClient({ baseUrl: stack.fake.url, apiKey: stack.fake.apiKey });
  });
  afterAll(async () => {
    await valentina?.close();
    await stack?.close();
  });

  const run = (user: keyof Stack['users'], subcommand: string, options: Record<string, string | number | boolean> = {}) =>
    stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command: 'stats', subcommand, options }).then((ix) => ix.reply());

  it('shows my figures publicly with a chart that decodes', async () => {
    const expected = await valentina.users.statistics(FIXTURE_IDS.companies.chicago, FIXTURE_IDS.users.mara.id);
    expect(expected.total_rolls).toBeGreaterThan(0);
    const reply = await run('mara', 'me');
    expect(reply.ephemeral).toBe(false);
    const embed = reply.embeds[0]!;
    expect(embed.title).toContain(`${expected.total_rolls} rolls`);
    const field = (name: string) => embed.fields?.find((f) => f.name === name)?.value;
    expect(field('Rolls')).toBe(String(expected.total_rolls));
    expect(field('Success')).toContain(`(${expected.successes})`);
    expect(field('Botch')).toContain(`(${expected.botches})`);
    expect(embed.image?.url).toBe('attachment://stats.png');
    const png = reply.attachments.find((a) => a.filename === 'stats.png');
    expect(png).toBeDefined();
    expect(png!.size).toBeGreaterThan(10_000);
    expect(png!.size).toBeLessThan(1_000_000);
    const image = await loadImage(png!.data);
    expect([image.width, image.height]).toEqual([1000, 500]);
  });

  it('answers privately when asked, for another player and for the company', async () => {
    const mine = await run('mara', 'me', { private: true, top: 3 });
    expect(mine.ephemeral).toBe(true);
    const other = await run('bastien', 'user', { user: stack.users.mara.id });
    expect(other.embeds[0]!.title).toMatch(/rolls$/);
    const company = await run('celeste', 'company');
    const expected = await valentina.companies.statistics(FIXTURE_IDS.companies.chicago);
    expect(company.embeds[0]!.title).toBe(`Chicago by Night — ${expected.total_rolls} rolls`);
    expect(company.attachments).toHaveLength(1);
  });

  it('lists as many most-rolled traits as `top:` asks for', async () => {
    const expected = await valentina.companies.statistics(FIXTURE_IDS.companies.chicago, { numTopTraits: 25 });
    expect(expected.top_traits.length).toBeGreaterThan(6);
    const listed = async (top: number) => {
      const reply = await run('celeste', 'company', { top, private: true });
      return reply.embeds[0]!.fields!.find((f) => f.name === 'Most rolled')!.value.split(', ');
    };
    expect(await listed(1)).toEqual([`${expected.top_traits[0]!.name} (${expected.top_traits[0]!.usage_count})`]);
    expect(await listed(7)).toEqual(expected.top_traits.slice(0, 7).map((t) => `${t.name} (${t.usage_count})`));
  });

  it('says "1 roll", not "1 rolls", for a player with a single roll', async () => {
    const expected = await valentina.users.statistics(FIXTURE_IDS.companies.chicago, FIXTURE_IDS.users.bastien.id);
    expect(expected.total_rolls).toBe(1);
    const reply = await run('mara', 'user', { user: stack.users.bastien.id });
    expect(reply.embeds[0]!.title).toBe('Bastien — 1 roll');
  });

  it('shows a friendly empty state instead of a chart of zeros', async () => {
    const expected = await valentina.users.statistics(FIXTURE_IDS.companies.chicago, FIXTURE_IDS.users.viktor.id);
    expect(expected.total_rolls).toBe(0);
    const reply = await run('viktor', 'me');
    expect(reply.embeds[0]!.description).toContain('No rolls yet');
    expect(reply.attachments).toHaveLength(0);
  });

  it('answers a repeated /stats within the minute from its cache: no Valentina call', async () => {
    await run('celeste', 'company', { top: 3 });
    const before = stack.fake.countRequests();
    const again = await run('celeste', 'company', { top: 7 });
    expect(stack.fake.countRequests()).toBe(before);
    expect(again.embeds[0]!.title).toMatch(/^Chicago by Night — \d+ rolls$/);
    expect(again.attachments).toHaveLength(1);
  });

  it('answers 48 concurrent /stats each with a chart or "busy, try again", never an internal error', async () => {
    const members = ['mara', 'bastien', 'celeste'] as const;
    const replies = await Promise.all(
      Array.from({ length: 48 }, (_, i) => run(members[i % members.length]!, i % 2 === 0 ? 'company' : 'user', i % 2 === 0 ? { top: (i % 25) + 1 } : { user: stack.users.mara.id })),
    );
    const charts = replies.filter((r) => r.attachments.some((a) => a.filename === 'stats.png'));
    const busy = replies.filter((r) => /^The chart renderer is busy, try again in \d+ s\./.test(r.content ?? ''));
    expect(charts.length + busy.length).toBe(48);
    for (const reply of busy) {
      expect(reply.ephemeral).toBe(true);
      expect(reply.embeds[0]!.fields?.find((f) => f.name === 'Rolls')).toBeDefined();
      expect(reply.embeds[0]!.image).toBeFalsy();
    }
    expect(replies.filter((r) => (r.content ?? '').includes('ERR-'))).toEqual([]);
  });

  it('tells an unlinked target and leaves Discord with no violations', async () => {
    const stranger = stack.sim.addUser({ username: 'stranger' });
    stack.sim.addMember(stack.guild.id, stranger.id);
    const reply = await run('mara', 'user', { user: stranger.id });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain("hasn't linked");
    expect(stack.sim.violations).toEqual([]);
  });
});

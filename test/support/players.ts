/**
 * More players than the fixture's six, for bursts whose commands must each ask Valentina something of
 * their own: identical reads in flight share one request (src/valentina/shared-reads.ts), so a burst of
 * the same few players' `/xp show` no longer spends the budget it is meant to overrun.
 */
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import type { SimUser } from '../../packages/sandbox/src/discord-sim/model.js';
import type { FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';

/** `count` players of Chicago by Night, each linked to a Discord account that is a member of every guild in `guildIds`. */
export function addLinkedPlayers(sim: DiscordSimulator, fake: FakeValentina, guildIds: readonly string[], count: number): SimUser[] {
  return Array.from({ length: count }, (_, i) => {
    const id = (900_000_000_000_000_000n + BigInt(i)).toString();
    const username = `player${i}`;
    const discordProfile = { id, username, global_name: `Player ${i}`, avatar_id: null, discriminator: '0', email: `${username}@example.com`, verified: true };
    fake.store.createUser({ company_id: FIXTURE_IDS.companies.chicago, username, email: `${username}@example.com`, role: 'PLAYER', discord_profile: discordProfile });
    const user = sim.addUser({ id, username, globalName: `Player ${i}` });
    for (const guildId of guildIds) sim.addMember(guildId, id);
    return user;
  });
}

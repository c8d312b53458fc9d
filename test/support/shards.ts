/**
 * Two-shard set-ups for end-to-end tests that run several bot processes on one simulator: the fixture's
 * Discord users, and one guild per shard (of 2), each bound to Chicago by Night with its default
 * channel for approvals and the XP log.
 */
import type { Redis } from 'ioredis';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { createKeyspace } from '../../src/keyspace.js';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import type { SimGuild, SimUser } from '../../packages/sandbox/src/discord-sim/model.js';
import { DISCORD_EPOCH } from '../../packages/sandbox/src/discord-sim/snowflake.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { GUILD_MEMBERS, type GuildMemberName } from './bot-process.js';

/** A guild id on `shard` of 2: the shard is `(id >> 22) % 2`. */
export function guildIdOnShard(shard: number): string {
  let timestamp = BigInt(Date.now()) - DISCORD_EPOCH;
  if (timestamp % 2n !== BigInt(shard)) timestamp += 1n;
  return ((timestamp << 22n) | 7n).toString();
}

/** Adds the fixture's Discord users and a bound guild on each of 2 shards (guilds[0] on shard 0). */
export async function addShardedGuilds(sim: DiscordSimulator, redis: Redis, prefix: string): Promise<{ users: Record<GuildMemberName, SimUser>; guilds: SimGuild[] }> {
  const users = {} as Record<GuildMemberName, SimUser>;
  for (const name of GUILD_MEMBERS) {
    const id = FIXTURE_IDS.users[name].discordId!;
    users[name] = sim.addUser({ id, username: name, globalName: name.charAt(0).toUpperCase() + name.slice(1) });
  }
  const bindings = new GuildBindingStore(redis, createKeyspace(prefix).identity);
  const guilds: SimGuild[] = [];
  for (const shard of [0, 1]) {
    const guild = sim.addGuild({ id: guildIdOnShard(shard), name: `Chicago by Night ${shard}`, ownerId: users.viktor.id });
    for (const name of GUILD_MEMBERS) if (users[name].id !== guild.ownerId) sim.addMember(guild.id, users[name].id);
    await bindings.set({
      guildId: guild.id,
      companyId: FIXTURE_IDS.companies.chicago,
      companyName: 'Chicago by Night',
      approvalsChannelId: guild.defaultChannelId,
      ...MAIN_CAMPAIGN_AS_DEFAULT,
      auditChannelId: guild.defaultChannelId,
      updatedBy: users.viktor.id,
    });
    guilds.push(guild);
  }
  return { users, guilds };
}

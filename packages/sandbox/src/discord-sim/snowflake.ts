/** Time-based snowflake ids, as Discord mints them. */

export const DISCORD_EPOCH = 1_420_070_400_000n;

export type SnowflakeFactory = () => string;

export function createSnowflakeFactory(now: () => number = Date.now, workerId = 1): SnowflakeFactory {
  let increment = 0n;
  let last = 0n;
  return () => {
    let timestamp = BigInt(now()) - DISCORD_EPOCH;
    // Keep ids strictly increasing even if the clock stalls or moves back.
    if (timestamp < last) timestamp = last;
    if (timestamp === last) increment += 1n;
    else increment = 0n;
    if (increment > 0xfffn) {
      timestamp += 1n;
      increment = 0n;
    }
    last = timestamp;
    return ((timestamp << 22n) | (BigInt(workerId & 0x1f) << 17n) | increment).toString();
  };
}

/** Epoch milliseconds encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** Shard a guild belongs to: `(guild_id >> 22) % shard_count`. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

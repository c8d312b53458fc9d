/** Redis key names for everything the identity layer stores, under the deployment's prefix. */
export interface IdentityKeys {
  guildBinding(guildId: string): string;
  guildsByCompany(companyId: string): string;
  boundGuilds(): string;
  lookup(discordUserId: string): string;
  lookupLock(discordUserId: string): string;
  dmCompany(discordUserId: string): string;
  oauthState(token: string): string;
  oauthIssued(token: string): string;
}

export function identityKeys(prefix: string): IdentityKeys {
  return {
    guildBinding: (guildId) => `${prefix}:guild:${guildId}`,
    guildsByCompany: (companyId) => `${prefix}:company-guilds:${companyId}`,
    boundGuilds: () => `${prefix}:guilds`,
    lookup: (discordUserId) => `${prefix}:ident:${discordUserId}`,
    lookupLock: (discordUserId) => `${prefix}:ident-lock:${discordUserId}`,
    dmCompany: (discordUserId) => `${prefix}:dm-company:${discordUserId}`,
    oauthState: (token) => `${prefix}:oauth:${token}`,
    oauthIssued: (token) => `${prefix}:oauth-issued:${token}`,
  };
}

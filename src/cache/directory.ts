/**
 * Cached company directory: the companies the API key reaches and each company's campaigns, for
 * `/setup` and every `campaign:` option. Short TTLs keep them fresh; writes invalidate explicitly. A
 * missing entry is read from Valentina once, by one process, however many commands miss it at once.
 */
import type { DirectoryKeys } from '../keyspace.js';
import type { RedisConnection } from '../redis.js';
import { z } from 'zod';
import type { ValentinaClient } from '../valentina/index.js';
import { CachedJson, matchChoices } from './cached-json.js';

const NamedList = z.array(z.object({ id: z.string().uuid(), name: z.string() }));
export type Named = z.infer<typeof NamedList>[number];

const CompanySettings = z.object({ id: z.string().uuid(), name: z.string(), permissionGrantXp: z.string() });
export type CompanySummary = z.infer<typeof CompanySettings>;

export interface DirectoryOptions {
  redis: RedisConnection;
  keys: DirectoryKeys;
  valentina: Pick<ValentinaClient, 'companies' | 'campaigns'>;
  /** Seconds. Default 60. */
  ttlSeconds?: number;
}

export class CompanyDirectory {
  private readonly lists: CachedJson<typeof NamedList>;
  private readonly company: CachedJson<typeof CompanySettings>;

  constructor(private readonly options: DirectoryOptions) {
    // A cold entry is loaded once however many processes miss it at the same moment.
    const shared = { fillClaim: options.keys.fillClaim };
    this.lists = new CachedJson(options.redis, NamedList, options.ttlSeconds ?? 60, shared);
    this.company = new CachedJson(options.redis, CompanySettings, options.ttlSeconds ?? 60, shared);
  }

  /** Companies the API key can reach. */
  companies(): Promise<Named[]> {
    return this.lists.get(this.options.keys.companies(), async () =>
      (await this.options.valentina.companies.listAll()).map((c) => ({ id: c.id, name: c.name })),
    );
  }

  /** One company's name and XP permission setting. */
  companySummary(companyId: string): Promise<CompanySummary> {
    return this.company.get(this.options.keys.company(companyId), async () => {
      const c = await this.options.valentina.companies.get(companyId);
      return { id: c.id, name: c.name, permissionGrantXp: c.settings.permission_grant_xp };
    });
  }

  /** The company's (non-archived) campaigns. */
  campaigns(companyId: string): Promise<Named[]> {
    return this.lists.get(this.options.keys.campaigns(companyId), async () =>
      (await this.options.valentina.campaigns.listAll(companyId)).map((c) => ({ id: c.id, name: c.name })),
    );
  }

  async campaignChoices(companyId: string, query: string): Promise<Array<{ name: string; value: string }>> {
    return matchChoices(await this.campaigns(companyId), query).map((c) => ({ name: c.name.slice(0, 100), value: c.id }));
  }

  async companyChoices(query: string): Promise<Array<{ name: string; value: string }>> {
    return matchChoices(await this.companies(), query).map((c) => ({ name: c.name.slice(0, 100), value: c.id }));
  }

  /** The campaign's name if it belongs to the company, else null. */
  async campaignName(companyId: string, campaignId: string): Promise<string | null> {
    return (await this.campaigns(companyId)).find((c) => c.id === campaignId)?.name ?? null;
  }
}

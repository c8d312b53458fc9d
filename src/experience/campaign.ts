/**
 * Which campaign an XP command means: the `campaign:` option (an id picked from autocomplete, or a
 * typed name), else the server's default campaign from `/setup`.
 */
import type { CompanyDirectory } from '../cache/directory.js';
import { matchChoices } from '../cache/cached-json.js';
import { UserError } from '../discord/errors.js';
import type { GuildBinding } from '../identity/guild-binding.js';

export interface ChosenCampaign {
  id: string;
  name: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function chooseCampaign(option: string | null, binding: GuildBinding, directory: CompanyDirectory): Promise<ChosenCampaign> {
  const campaigns = await directory.campaigns(binding.companyId);
  if (option) {
    const byId = UUID.test(option) ? campaigns.find((c) => c.id === option) : undefined;
    const byName = byId ?? matchChoices(campaigns, option, 2).find((c, _, all) => all.length === 1 || c.name.toLowerCase() === option.toLowerCase());
    if (byName) return byName;
    throw new UserError(`There is no campaign called "${option.slice(0, 50)}" in **${binding.companyName}**. Pick one from the list that appears as you type.`);
  }
  if (binding.defaultCampaignId) {
    const fallback = campaigns.find((c) => c.id === binding.defaultCampaignId);
    if (fallback) return fallback;
    throw new UserError("This server's default campaign no longer exists in Valentina. Pick a campaign in the `campaign` option, or ask a server manager to choose a new default with `/setup`.");
  }
  throw new UserError('Which campaign? Pick one in the `campaign` option, or ask a server manager to set a default campaign with `/setup`.');
}

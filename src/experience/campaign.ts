/**
 * Which campaign an XP command means: the `campaign:` option (an id picked from autocomplete, or a
 * typed name), else the server's default campaign from `/setup`.
 */
import type { CompanyDirectory } from '../cache/directory.js';
import { exactChoice, matchChoices } from '../cache/cached-json.js';
import { UserError } from '../discord/errors.js';
import type { GuildBinding } from '../identity/guild-binding.js';

export interface ChosenCampaign {
  id: string;
  name: string;
}

export const NO_CAMPAIGN_MESSAGE =
  'Which campaign? Pick one in the `campaign` option, or ask a server manager to set a default campaign with `/setup`.';

export const STALE_DEFAULT_MESSAGE =
  "This server's default campaign no longer exists in Valentina. Pick a campaign in the `campaign` option, or ask a server manager to choose a new default with `/setup`.";

/**
 * Picks from the company's campaigns: an exact id, else the one name that contains what was typed
 * (or equals it, when several contain it), else the binding's default. Throws a `UserError` that
 * says how to choose when nothing fits.
 */
export function pickCampaign(
  option: string | null,
  campaigns: readonly ChosenCampaign[],
  binding: Pick<GuildBinding, 'companyName' | 'defaultCampaignId'>,
): ChosenCampaign {
  const typed = option?.trim();
  if (typed) {
    const exact = exactChoice(campaigns, typed);
    if (exact) return exact;
    const matches = matchChoices(campaigns, typed);
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new UserError(`Several campaigns match "${typed.slice(0, 50)}". Pick one from the list that appears as you type.`);
    }
    throw new UserError(`There is no campaign called "${typed.slice(0, 50)}" in **${binding.companyName}**. Pick one from the list that appears as you type.`);
  }
  if (binding.defaultCampaignId) {
    const fallback = campaigns.find((c) => c.id === binding.defaultCampaignId);
    if (fallback) return fallback;
    throw new UserError(STALE_DEFAULT_MESSAGE);
  }
  throw new UserError(NO_CAMPAIGN_MESSAGE);
}

/** {@link pickCampaign} over the company's cached, non-archived campaigns. */
export async function chooseCampaign(option: string | null, binding: GuildBinding, directory: Pick<CompanyDirectory, 'campaigns'>): Promise<ChosenCampaign> {
  return pickCampaign(option, await directory.campaigns(binding.companyId), binding);
}

/**
 * Where DM notes go for a member of several companies: a menu, asked the first time and remembered
 * (`resolver.setDmCompany`); `/notes company` shows it again. Picking a company releases the messages
 * that were waiting for the choice.
 */
import { ComponentType, type APIActionRowComponent, type APIStringSelectComponent } from 'discord.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ComponentInteraction, ComponentReply } from '../discord/types.js';
import { describeResolution, type LookupEntry } from '../identity/resolver.js';
import { BurstBuffer } from './burst.js';
import { noteCompanyId } from './ids.js';
import { releaseBursts } from './queue.js';

export const isActive = (e: LookupEntry) => e.role !== 'UNAPPROVED' && e.role !== 'DEACTIVATED';

export interface CompanyPickerJson {
  content: string;
  components: Array<APIActionRowComponent<APIStringSelectComponent>>;
}

/** The menu of companies the user can write notes in. */
export function companyPicker(entries: readonly LookupEntry[], chosen: string | null, intro: string): CompanyPickerJson {
  const active = entries.filter(isActive).slice(0, 25);
  const menu: APIStringSelectComponent = {
    type: ComponentType.StringSelect,
    custom_id: noteCompanyId.encode({}),
    placeholder: 'Company for your notes',
    options: active.map((e) => ({ label: e.company_name.slice(0, 100), value: e.company_id, default: e.company_id === chosen })),
  };
  return { content: intro, components: [{ type: ComponentType.ActionRow, components: [menu] }] };
}

export const FIRST_CHOICE_INTRO =
  'You play in several companies. **Where should your notes go?** Pick one — I\'ll remember it, and your message is saved there right after. Change it any time with `/notes company`.';

/** The menu's handler: remember the choice and save what was waiting for it. */
export async function chooseCompany(interaction: ComponentInteraction, deps: BotDeps): Promise<ComponentReply> {
  if (!interaction.isStringSelectMenu()) throw new UserError('Pick a company from the menu.');
  const companyId = interaction.values[0] ?? '';
  const entries = await deps.resolver.lookup(interaction.user.id);
  if (entries.length === 0) throw new UserError(describeResolution({ status: 'not_linked' }));
  const entry = entries.find((e) => e.company_id === companyId && isActive(e));
  if (!entry) throw new UserError("You can't write notes in that company. Run `/notes company` again to see where you can.");
  await deps.resolver.setDmCompany(interaction.user.id, entry.company_id);
  const waiting = await new BurstBuffer(deps.redis, deps.keys.notes).takeAwaiting(interaction.user.id);
  await releaseBursts(deps, waiting);
  const saving = waiting.length > 0 ? ' Saving the messages that were waiting now.' : '';
  return {
    update: {
      content: `Your notes go to **${entry.company_name}** from now on.${saving} Change it any time with \`/notes company\`.`,
      components: [],
    },
  };
}

import type { PageQuery } from '../pagination.js';
import { DiceRollSchema, pageSchema, type DiceRoll, type Page } from '../schemas.js';
import type { ActorOptions } from '../options.js';
import { Service, withPage } from './base.js';

const DiceRollPage = pageSchema(DiceRollSchema);

export interface QuickrollRollInput {
  quickrollId: string;
  characterId: string;
  /** 1–10, default 6. */
  difficulty?: number;
  /** 0–5, default 0. */
  desperationDice?: number;
  comment?: string | null;
}

export interface DiceRollInput {
  num_dice?: number;
  difficulty?: number | null;
  dice_size?: 4 | 6 | 8 | 10 | 20 | 100;
  num_desperation_dice?: number;
  comment?: string | null;
  trait_ids?: string[];
  campaign_id?: string | null;
  character_id?: string | null;
}

export interface DiceRollFilters {
  userId?: string;
  characterId?: string;
  campaignId?: string;
  characterType?: 'PLAYER' | 'NPC' | 'STORYTELLER';
}

export class DiceRollsService extends Service {
  /** R1 `POST /companies/{cid}/dicerolls/quickroll`: rolls a quickroll with a character. */
  rollQuickroll(companyId: string, input: QuickrollRollInput, options: ActorOptions) {
    return this.call({
      method: 'POST',
      template: '/companies/{cid}/dicerolls/quickroll',
      params: { cid: companyId },
      body: {
        quickroll_id: input.quickrollId,
        character_id: input.characterId,
        difficulty: input.difficulty ?? 6,
        num_desperation_dice: input.desperationDice ?? 0,
        comment: input.comment ?? null,
      },
      onBehalfOf: options.onBehalfOf,
      schema: DiceRollSchema,
      options,
    });
  }
  /** R2 `POST /companies/{cid}/dicerolls`. */
  create(companyId: string, input: DiceRollInput, options: ActorOptions) {
    return this.call({ method: 'POST', template: '/companies/{cid}/dicerolls', params: { cid: companyId }, body: input, onBehalfOf: options.onBehalfOf, schema: DiceRollSchema, options });
  }
  /** R3 one page, newest first. */
  page(companyId: string, query: DiceRollFilters & PageQuery = {}, options: ActorOptions): Promise<Page<DiceRoll>> {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/dicerolls',
      params: { cid: companyId },
      query: { ...withPage(query), userid: query.userId, characterid: query.characterId, campaignid: query.campaignId, character_type: query.characterType },
      onBehalfOf: options.onBehalfOf,
      schema: DiceRollPage,
      options,
    });
  }
  listAll(companyId: string, filters: DiceRollFilters, options: ActorOptions): Promise<DiceRoll[]> {
    return this.pages((p) => this.page(companyId, { ...filters, ...p }, options)).all();
  }
  /** R4 */
  get(companyId: string, diceRollId: string, options: ActorOptions) {
    return this.call({ method: 'GET', template: '/companies/{cid}/dicerolls/{diceroll_id}', params: { cid: companyId, diceroll_id: diceRollId }, onBehalfOf: options.onBehalfOf, schema: DiceRollSchema, options });
  }
}

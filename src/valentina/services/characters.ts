import type { PageQuery } from '../pagination.js';
import {
  CharacterDetailSchema,
  CharacterSchema,
  CharacterTraitSchema,
  pageSchema,
  RollStatisticsSchema,
  TraitSchema,
  type Character,
  type CharacterTrait,
  type Page,
  type Trait,
} from '../schemas.js';
import type { ActorOptions, RequestOptions } from '../options.js';
import { Service, withPage } from './base.js';

const CharacterPage = pageSchema(CharacterSchema);
const CharacterTraitPage = pageSchema(CharacterTraitSchema);
const TraitPage = pageSchema(TraitSchema);

export interface CharacterFilters {
  campaignId?: string;
  userPlayerId?: string;
  userCreatorId?: string;
  characterClass?: string;
  characterType?: 'PLAYER' | 'NPC' | 'STORYTELLER';
  status?: 'ALIVE' | 'DEAD';
  isTemporary?: boolean;
}

export class CharactersService extends Service {
  /** P1 one page (OBO required; STORYTELLER-type characters hidden from non-staff). */
  page(companyId: string, query: CharacterFilters & PageQuery = {}, options: ActorOptions): Promise<Page<Character>> {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/characters',
      params: { cid: companyId },
      query: {
        ...withPage(query),
        campaign_id: query.campaignId,
        user_player_id: query.userPlayerId,
        user_creator_id: query.userCreatorId,
        character_class: query.characterClass,
        character_type: query.characterType,
        status: query.status,
        is_temporary: query.isTemporary,
      },
      onBehalfOf: options.onBehalfOf,
      schema: CharacterPage,
      options,
    });
  }
  listAll(companyId: string, filters: CharacterFilters, options: ActorOptions): Promise<Character[]> {
    return this.pages((p) => this.page(companyId, { ...filters, ...p }, options)).all();
  }
  iterate(companyId: string, filters: CharacterFilters, options: ActorOptions) {
    return this.pages((p) => this.page(companyId, { ...filters, ...p }, options)).iterate();
  }
  /** P2 with optional `traits` include. */
  get(companyId: string, characterId: string, query: { include?: Array<'traits' | 'inventory' | 'notes' | 'assets'> } = {}, options: ActorOptions) {
    return this.call({ method: 'GET', template: '/companies/{cid}/characters/{character_id}', params: { cid: companyId, character_id: characterId }, query: { include: query.include }, onBehalfOf: options.onBehalfOf, schema: CharacterDetailSchema, options });
  }
  /** P3 one page of the character's traits. */
  traitsPage(companyId: string, characterId: string, query: { isRollable?: boolean; categoryId?: string } & PageQuery = {}, options: ActorOptions): Promise<Page<CharacterTrait>> {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/characters/{character_id}/traits',
      params: { cid: companyId, character_id: characterId },
      query: { ...withPage(query), is_rollable: query.isRollable, category_id: query.categoryId },
      onBehalfOf: options.onBehalfOf,
      schema: CharacterTraitPage,
      options,
    });
  }
  traits(companyId: string, characterId: string, filters: { isRollable?: boolean; categoryId?: string }, options: ActorOptions): Promise<CharacterTrait[]> {
    return this.pages((p) => this.traitsPage(companyId, characterId, { ...filters, ...p }, options)).all();
  }
  /** P4 */
  statistics(companyId: string, characterId: string, query: { numTopTraits?: number } = {}, options: ActorOptions) {
    return this.call({ method: 'GET', template: '/companies/{cid}/characters/{character_id}/statistics', params: { cid: companyId, character_id: characterId }, query: { num_top_traits: query.numTopTraits }, onBehalfOf: options.onBehalfOf, schema: RollStatisticsSchema, options });
  }
}

export interface TraitFilters {
  gameVersion?: 'V4' | 'V5';
  characterClass?: string;
  categoryId?: string;
  isRollable?: boolean;
  orderBy?: 'NAME' | 'SHEET';
}

/** B1 the blueprint trait catalogue (what quickrolls can reference); pages of up to 1000. */
export class TraitsService extends Service {
  page(companyId: string, query: TraitFilters & PageQuery = {}, options?: RequestOptions): Promise<Page<Trait>> {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/characterblueprint/traits',
      params: { cid: companyId },
      query: {
        ...withPage(query),
        game_version: query.gameVersion,
        character_class: query.characterClass,
        category_id: query.categoryId,
        is_rollable: query.isRollable,
        order_by: query.orderBy,
      },
      schema: TraitPage,
      options,
    });
  }
  listAll(companyId: string, filters: TraitFilters = {}, options?: RequestOptions, pageSize = 1000): Promise<Trait[]> {
    return this.pages((p) => this.page(companyId, { ...filters, ...p }, options)).all(pageSize);
  }
  iterate(companyId: string, filters: TraitFilters = {}, options?: RequestOptions, pageSize = 1000) {
    return this.pages((p) => this.page(companyId, { ...filters, ...p }, options)).iterate(pageSize);
  }
}

import { z } from 'zod';
import type { PageQuery } from '../pagination.js';
import {
  NullBodySchema,
  pageSchema,
  RollStatisticsSchema,
  UserDetailSchema,
  UserLookupResultSchema,
  UserSchema,
  type Page,
  type User,
  type UserRole,
} from '../schemas.js';
import type { ActingOptions, ActorOptions, RequestOptions } from '../options.js';
import { Service, withPage } from './base.js';

const UserPage = pageSchema(UserSchema);
const LookupResults = z.array(UserLookupResultSchema);

export type LookupQuery = { discordId: string } | { email: string };
export type UserInclude = 'quickrolls' | 'notes' | 'assets' | 'characters';
export interface UserListFilters {
  role?: UserRole;
  email?: string;
}
export interface UserCreateInput {
  username: string;
  email: string;
  role: 'ADMIN' | 'STORYTELLER' | 'PLAYER';
  name_first?: string | null;
  name_last?: string | null;
}
export type UserUpdateInput = Partial<Omit<UserCreateInput, 'role'>> & { role?: UserRole };

export class UsersService extends Service {
  /** L1 `GET /users/lookup`: the user's memberships in every company the key reaches (bare array). */
  lookup(query: LookupQuery, options?: RequestOptions) {
    const q = 'discordId' in query ? { discord_id: query.discordId } : { email: query.email };
    return this.call({ method: 'GET', template: '/users/lookup', query: q, schema: LookupResults, options });
  }

  /** U2 `GET /companies/{cid}/users/{uid}` with optional includes. */
  get(companyId: string, userId: string, query: { include?: UserInclude[] } = {}, options?: ActingOptions) {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/users/{uid}',
      params: { cid: companyId, uid: userId },
      query: { include: query.include },
      onBehalfOf: options?.onBehalfOf,
      schema: UserDetailSchema,
      options,
    });
  }

  /** U1 `GET /companies/{cid}/users`: one page, filtered by role (`user_role`) or email. */
  page(companyId: string, query: UserListFilters & PageQuery = {}, options?: ActingOptions): Promise<Page<User>> {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/users',
      params: { cid: companyId },
      query: { ...withPage(query), user_role: query.role, email: query.email },
      onBehalfOf: options?.onBehalfOf,
      schema: UserPage,
      options,
    });
  }
  listAll(companyId: string, filters: UserListFilters = {}, options?: ActingOptions, pageSize?: number): Promise<User[]> {
    return this.pages((p) => this.page(companyId, { ...filters, ...p }, options)).all(pageSize);
  }
  iterate(companyId: string, filters: UserListFilters = {}, options?: ActingOptions, pageSize?: number) {
    return this.pages((p) => this.page(companyId, { ...filters, ...p }, options)).iterate(pageSize);
  }

  /** U3 `POST /companies/{cid}/users` (staff only). */
  create(companyId: string, input: UserCreateInput, options: ActorOptions) {
    return this.call({ method: 'POST', template: '/companies/{cid}/users', params: { cid: companyId }, body: input, onBehalfOf: options.onBehalfOf, schema: UserSchema, options });
  }

  /** U4 `PATCH /companies/{cid}/users/{uid}`. */
  update(companyId: string, userId: string, input: UserUpdateInput, options: ActorOptions) {
    return this.call({ method: 'PATCH', template: '/companies/{cid}/users/{uid}', params: { cid: companyId, uid: userId }, body: input, onBehalfOf: options.onBehalfOf, schema: UserSchema, options });
  }

  /** U5 `DELETE /companies/{cid}/users/{uid}` (self or ADMIN). */
  async delete(companyId: string, userId: string, options: ActorOptions): Promise<void> {
    await this.call({ method: 'DELETE', template: '/companies/{cid}/users/{uid}', params: { cid: companyId, uid: userId }, onBehalfOf: options.onBehalfOf, schema: null, options });
  }

  /** U6 `GET /companies/{cid}/users/unapproved` (ADMIN only). */
  unapprovedPage(companyId: string, query: PageQuery = {}, options: ActorOptions): Promise<Page<User>> {
    return this.call({ method: 'GET', template: '/companies/{cid}/users/unapproved', params: { cid: companyId }, query: withPage(query), onBehalfOf: options.onBehalfOf, schema: UserPage, options });
  }
  listUnapproved(companyId: string, options: ActorOptions): Promise<User[]> {
    return this.pages((p) => this.unapprovedPage(companyId, p, options)).all();
  }
  iterateUnapproved(companyId: string, options: ActorOptions) {
    return this.pages((p) => this.unapprovedPage(companyId, p, options)).iterate();
  }

  /** U7 `POST /companies/{cid}/users/{uid}/approve` (ADMIN only). */
  approve(companyId: string, userId: string, role: 'PLAYER' | 'STORYTELLER' | 'ADMIN', options: ActorOptions) {
    return this.call({ method: 'POST', template: '/companies/{cid}/users/{uid}/approve', params: { cid: companyId, uid: userId }, body: { role }, onBehalfOf: options.onBehalfOf, schema: UserSchema, options });
  }

  /** U8 `POST /companies/{cid}/users/{uid}/deny` (ADMIN only; archives the user; body `null`). */
  async deny(companyId: string, userId: string, options: ActorOptions): Promise<void> {
    await this.call({ method: 'POST', template: '/companies/{cid}/users/{uid}/deny', params: { cid: companyId, uid: userId }, onBehalfOf: options.onBehalfOf, schema: NullBodySchema, options });
  }

  /** U9 `POST /companies/{cid}/users/merge` (ADMIN only): folds an UNAPPROVED secondary into a primary. */
  merge(companyId: string, input: { primaryUserId: string; secondaryUserId: string }, options: ActorOptions) {
    return this.call({
      method: 'POST',
      template: '/companies/{cid}/users/merge',
      params: { cid: companyId },
      body: { primary_user_id: input.primaryUserId, secondary_user_id: input.secondaryUserId },
      onBehalfOf: options.onBehalfOf,
      schema: UserSchema,
      options,
    });
  }

  /** U10 `GET /companies/{cid}/users/{uid}/statistics`. */
  statistics(companyId: string, userId: string, query: { numTopTraits?: number } = {}, options?: ActingOptions) {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/users/{uid}/statistics',
      params: { cid: companyId, uid: userId },
      query: { num_top_traits: query.numTopTraits },
      onBehalfOf: options?.onBehalfOf,
      schema: RollStatisticsSchema,
      options,
    });
  }
}

import { IdentifyResponseSchema, UserSchema, type IdentityProvider } from '../schemas.js';
import type { ActorOptions, RequestOptions } from '../options.js';
import { Service } from './base.js';

export interface IdentifyInput {
  provider: IdentityProvider;
  /** Discord: the OAuth2 user access token (scopes `identify email`). */
  token: string;
  username?: string | null;
  email?: string | null;
}

export class IdentityService extends Service {
  /**
   * I1 `POST /companies/{cid}/auth/identify`: matched, linked or created. Never sends `On-Behalf-Of`
   * (the contract forbids it). Serialize calls per Discord user: two concurrent first-time calls can
   * create two users.
   */
  identify(companyId: string, input: IdentifyInput, options?: RequestOptions) {
    return this.call({ method: 'POST', template: '/companies/{cid}/auth/identify', params: { cid: companyId }, body: input, schema: IdentifyResponseSchema, options });
  }

  /** I2 `POST /companies/{cid}/users/{uid}/identities` (self or ADMIN). */
  link(companyId: string, userId: string, input: { provider: IdentityProvider; token: string }, options: ActorOptions) {
    return this.call({ method: 'POST', template: '/companies/{cid}/users/{uid}/identities', params: { cid: companyId, uid: userId }, body: input, onBehalfOf: options.onBehalfOf, schema: UserSchema, options });
  }

  /** I3 `DELETE /companies/{cid}/users/{uid}/identities/{provider}` (self or ADMIN; 409 LAST_IDENTITY). */
  unlink(companyId: string, userId: string, provider: IdentityProvider, options: ActorOptions) {
    return this.call({
      method: 'DELETE',
      template: '/companies/{cid}/users/{uid}/identities/{provider}',
      params: { cid: companyId, uid: userId, provider },
      onBehalfOf: options.onBehalfOf,
      schema: UserSchema,
      options,
    });
  }
}

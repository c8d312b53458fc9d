/** What the REST routes, the gateway and the interaction helpers share. */
import type { ApplicationControls } from './api.js';
import type { SimConfig } from './config.js';
import type { Violation } from './model.js';
import type { SnowflakeFactory } from './snowflake.js';
import type { SimStore } from './store.js';
import type { GatewayServer } from './gateway.js';
import type { InteractionRegistry } from './interactions/registry.js';
import type { OAuthState } from './oauth.js';

export interface SimContext {
  config: SimConfig;
  store: SimStore;
  nextId: SnowflakeFactory;
  now: () => number;
  /** `http://127.0.0.1:PORT` once listening. */
  origin: () => string;
  violations: Violation[];
  gateway: GatewayServer;
  interactions: InteractionRegistry;
  oauth: OAuthState;
  /** The application's Developer Portal settings (`GET /applications/@me`). */
  application: ApplicationControls;
}

export function violate(ctx: SimContext, violations: Violation[]): void {
  ctx.violations.push(...violations);
}

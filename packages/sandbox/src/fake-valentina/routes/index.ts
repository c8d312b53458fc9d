/** Every route of the fake API (§0). */
import { approvalRoutes } from './approvals.js';
import { campaignRoutes } from './campaigns.js';
import { characterRoutes } from './characters.js';
import { diceRollRoutes } from './dicerolls.js';
import { experienceRoutes } from './experience.js';
import { identityRoutes } from './identity.js';
import { metaRoutes } from './meta.js';
import { noteRoutes } from './notes.js';
import { quickrollRoutes } from './quickrolls.js';
import { userRoutes } from './users.js';
import type { Route } from '../router.js';

export const ALL_ROUTES: Route[] = [
  ...metaRoutes,
  ...identityRoutes,
  ...userRoutes,
  ...approvalRoutes,
  ...experienceRoutes,
  ...quickrollRoutes,
  ...diceRollRoutes,
  ...noteRoutes,
  ...campaignRoutes,
  ...characterRoutes,
];

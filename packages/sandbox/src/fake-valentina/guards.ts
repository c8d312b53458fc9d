/** The acting-user guard: `On-Behalf-Of` checked in the order of §2.2, first failing rule wins. */
import { isUuid } from './ids.js';
import { ApiError, BODY_PLACEHOLDER, forbidden, notFound } from './problem.js';
import type { CompanyRow, UserRow } from './model.js';
import type { OboMode } from './router.js';
import type { FakeStore } from './store.js';

export function resolveActor(store: FakeStore, mode: OboMode, header: string | undefined, company: CompanyRow | null, path: string): UserRow | null {
  if (mode === 'none') return null;
  if (header === undefined) {
    if (mode === 'required') {
      throw new ApiError(400, `Missing required header parameter 'on-behalf-of' for path ${path}`, {
        invalid_parameters: BODY_PLACEHOLDER,
      });
    }
    if (mode === 'required403') throw forbidden('On-Behalf-Of header is required');
    return null;
  }
  if (!isUuid(header)) throw notFound(`User '${header}' not found`);
  const user = store.getUser(header.toLowerCase());
  if (!user || user.archived) throw notFound(`User '${header}' not found`);
  if (user.role === 'UNAPPROVED' && mode !== 'identify') throw forbidden('User has not been approved yet');
  if (user.role === 'DEACTIVATED') throw forbidden('User account is deactivated');
  if (company && user.company_id !== company.id) throw notFound('Acting user not found');
  return user;
}

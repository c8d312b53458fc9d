/** Helpers shared by the route modules: acting-user checks and lookups that 404 the API's way. */
import { forbidden, notFound } from '../problem.js';
import type { RouteContext } from '../router.js';
import type { CharacterRow, UserRow } from '../model.js';

export const MANAGE_DENIED = 'Requesting user is not authorized to manage this user';

export function isStaff(user: UserRow | null): boolean {
  return user !== null && (user.role === 'ADMIN' || user.role === 'STORYTELLER');
}

/** The acting user of a route whose OBO mode guarantees one. */
export function actorOf(ctx: RouteContext): UserRow {
  if (!ctx.actor) throw forbidden();
  return ctx.actor;
}

/** The path user `{user_id}`: a non-archived user of the path company, else 404 `User not found`. */
export function pathUser(ctx: RouteContext): UserRow {
  const user = ctx.store.companyUser(ctx.company.id, ctx.params.user_id ?? '');
  if (!user) throw notFound('User not found');
  return user;
}

/** The acting user must be the path user or an ADMIN. */
export function requireSelfOrAdmin(actor: UserRow, target: UserRow, detail: string = MANAGE_DENIED): void {
  if (actor.role !== 'ADMIN' && actor.id !== target.id) throw forbidden(detail);
}

export function requireAdmin(actor: UserRow): void {
  if (actor.role !== 'ADMIN') throw forbidden(MANAGE_DENIED);
}

/** STORYTELLER-type characters are hidden from non-staff acting users. */
export function characterVisible(character: CharacterRow, actor: UserRow | null): boolean {
  return character.type !== 'STORYTELLER' || isStaff(actor);
}

/** A character of the path company for the character routes (404 `Character '<id>' not found`). */
export function pathCharacter(ctx: RouteContext): CharacterRow {
  const raw = ctx.params.character_id ?? '';
  const character = ctx.store.characters.get(raw.toLowerCase());
  if (!character || character.archived || character.company_id !== ctx.company.id) {
    throw notFound(`Character '${raw}' not found`);
  }
  if (!characterVisible(character, ctx.actor)) throw forbidden();
  return character;
}

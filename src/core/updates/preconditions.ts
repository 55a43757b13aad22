// Who may change a posted update: its author, and admins (who may do everything). Checked
// before a button handler runs (ButtonDeclaration.preconditions) and again by the edit form's
// handler, because a form submission carries the update's id from outside as well.
import type { MemberView } from '../members/members.ts';
import { precondition } from '../framework/preconditions.ts';
import type { UpdateView } from './updates.ts';

export function mayChange(actor: MemberView, update: Pick<UpdateView, 'authorId'>): boolean {
  return update.authorId === actor.id || actor.role === 'admin';
}

/**
 * The pressed button's update is the actor's own (or the actor is an admin). An update that
 * does not exist passes: the handler says so, in words that fit.
 */
export const isUpdateAuthorOrAdmin = precondition(
  'isUpdateAuthorOrAdmin',
  async ({ actor, services, value }) => {
    const update = value ? await services.updates.get(value) : undefined;
    return !update || mayChange(actor, update);
  },
  { key: 'update.notYours' },
);

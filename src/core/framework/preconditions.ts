// Conditions a command, sub-command or button states beyond who it is for, written as small
// named checks that compose: all(isApproved, any(isAssignedAdviser, isCoordinator)). The Bot
// evaluates them before the handler; a refusal is a locale key, so every platform shows it in
// the person's language. The access ladder (Access) is itself one of these checks.
import type { MemberView, RoleName } from '../members/members.ts';
import type { Access } from './declarations.ts';
import type { DomainServices } from '../services.ts';
import type { Place } from './context.ts';
import type { Translate } from '../i18n.ts';

/** What a check can look at: who asks, where, the domain, and what the button or input carries. */
export interface PreconditionContext {
  actor: MemberView;
  place: Place;
  services: DomainServices;
  /** The value of the pressed button (the record it acts on); undefined for commands. */
  value?: string;
  /** The validated input of a command; empty for buttons. */
  input: Record<string, unknown>;
  /** For refusal parameters that are words themselves (a platform's name). */
  t: Translate;
}

/** Why not: a locale key and its parameters. */
export interface Refusal {
  key: string;
  params?: Record<string, unknown>;
}

export interface Precondition {
  /** For logs and tests: which check said no. */
  readonly name: string;
  check(ctx: PreconditionContext): Refusal | undefined | Promise<Refusal | undefined>;
}

/** A check from a test and the refusal it gives. */
export function precondition(name: string, test: (ctx: PreconditionContext) => boolean | Promise<boolean>, refusal: Refusal | ((ctx: PreconditionContext) => Refusal)): Precondition {
  return {
    name,
    async check(ctx) {
      if (await test(ctx)) return undefined;
      return typeof refusal === 'function' ? refusal(ctx) : refusal;
    },
  };
}

/** Passes when every check passes; refuses with the first refusal, checking in order. */
export function all(...checks: Precondition[]): Precondition {
  return {
    name: `all(${checks.map((c) => c.name).join(', ')})`,
    async check(ctx) {
      for (const check of checks) {
        const refusal = await check.check(ctx);
        if (refusal) return refusal;
      }
      return undefined;
    },
  };
}

/** Passes when one check passes; otherwise refuses as the first one did. */
export function any(...checks: Precondition[]): Precondition {
  return {
    name: `any(${checks.map((c) => c.name).join(', ')})`,
    async check(ctx) {
      let first: Refusal | undefined;
      for (const check of checks) {
        const refusal = await check.check(ctx);
        if (!refusal) return undefined;
        first ??= refusal;
      }
      return first ?? { key: 'errors.denied.everyone' };
    },
  };
}

const ROLE_ORDER: RoleName[] = ['member', 'adviser', 'coordinator', 'admin'];

/** Whether a member may use something declared with this access level. */
export function mayAccess(member: MemberView, access: Access): boolean {
  if (access === 'everyone') return true;
  if (access === 'approved') return member.approved || member.role === 'admin';
  return ROLE_ORDER.indexOf(member.role) >= ROLE_ORDER.indexOf(access);
}

/** A rung of the access ladder as a check, refused with that rung's own text. */
export function hasAccess(access: Access): Precondition {
  return precondition(access, (ctx) => mayAccess(ctx.actor, access), { key: `errors.denied.${access}` });
}

export const isApproved = hasAccess('approved');
export const isAdviser = hasAccess('adviser');
export const isCoordinator = hasAccess('coordinator');
export const isAdmin = hasAccess('admin');

/** The command was typed in a channel, not in a DM (for channel settings such as digests). */
export const inChannel = precondition('inChannel', (ctx) => ctx.place.channelRef !== undefined, { key: 'errors.channelOnly' });

/** What the Bot checks for a declared part: its access level first, then its own conditions. */
export function requirementsOf(part: { access: Access; preconditions?: Precondition }): Precondition {
  return part.preconditions ? all(hasAccess(part.access), part.preconditions) : hasAccess(part.access);
}

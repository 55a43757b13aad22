// Who gets a new request: the available adviser whose expertise includes the theme and who
// has the fewest open requests below their capacity; ties go round-robin, to the one assigned
// longest ago (never assigned counts as longest). Urgent requests skip the capacity limit.
// Nobody fits: undefined, and the request waits in the coordinators' queue.
export interface AdviserLoad {
  memberId: string;
  themes: readonly string[];
  capacity: number;
  awayUntil?: Date;
  lastAssignedAt?: Date;
  /** Requests assigned to them that are not closed. */
  open: number;
}

export function isAway(adviser: Pick<AdviserLoad, 'awayUntil'>, now: Date): boolean {
  return adviser.awayUntil !== undefined && adviser.awayUntil.getTime() > now.getTime();
}

export function chooseAdviser(advisers: readonly AdviserLoad[], theme: string, urgent: boolean, now: Date, exclude: readonly string[] = []): AdviserLoad | undefined {
  const fits = advisers.filter(
    (adviser) => adviser.themes.includes(theme) && !isAway(adviser, now) && !exclude.includes(adviser.memberId) && (urgent || adviser.open < adviser.capacity),
  );
  return [...fits].sort((a, b) => a.open - b.open || assigned(a) - assigned(b) || a.memberId.localeCompare(b.memberId))[0];
}

const assigned = (adviser: AdviserLoad) => adviser.lastAssignedAt?.getTime() ?? 0;

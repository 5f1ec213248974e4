/**
 * Whether something arriving at `at` meets `deadline`: the deadline instant itself still counts
 * (締切時刻まで受付). A missing deadline accepts nothing, so a case cannot take submissions by accident.
 */
export function isOnTime(at: Date, deadline: Date | null | undefined): boolean {
  return deadline !== null && deadline !== undefined && at.getTime() <= deadline.getTime();
}

/** Why a submission arriving at `at` is refused: no deadline set yet, or too late; null when on time. */
export function submissionRefusal(at: Date, deadline: Date | null | undefined): 'no_deadline' | 'late' | null {
  if (deadline === null || deadline === undefined) return 'no_deadline';
  return isOnTime(at, deadline) ? null : 'late';
}

/** Whether the deadline has passed, e.g. before the secretariat may open what was submitted. */
export function hasPassed(now: Date, deadline: Date | null | undefined): boolean {
  return deadline !== null && deadline !== undefined && now.getTime() > deadline.getTime();
}

/**
 * Whether something arriving at `at` meets `deadline`: the deadline instant itself still counts
 * (締切時刻まで受付). A missing deadline accepts nothing, so a case cannot take submissions by accident.
 */
export function isOnTime(at: Date, deadline: Date | null | undefined): boolean {
  return deadline !== null && deadline !== undefined && at.getTime() <= deadline.getTime();
}

/** Whether the deadline has passed, e.g. before the secretariat may open what was submitted. */
export function hasPassed(now: Date, deadline: Date | null | undefined): boolean {
  return deadline !== null && deadline !== undefined && now.getTime() > deadline.getTime();
}

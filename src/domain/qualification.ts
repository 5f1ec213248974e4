/**
 * 入札参加資格: who may propose and bid. A vendor that registered itself waits for the secretariat
 * (pending); the secretariat approves or rejects it, with a reason for a rejection. Pure rules only.
 */

export const qualificationStatuses = ['pending', 'approved', 'rejected'] as const;
export type Qualification = (typeof qualificationStatuses)[number];

export const qualificationLabels: Record<Qualification, string> = {
  pending: '審査中',
  approved: '承認済み',
  rejected: '不承認',
};

export interface QualificationStanding {
  qualification: Qualification;
  qualificationReason: string | null;
}

/** Why the vendor may not submit proposals or bids, in Japanese; null when it may. */
export function qualificationRefusal(vendor: QualificationStanding): string | null {
  switch (vendor.qualification) {
    case 'approved':
      return null;
    case 'pending':
      return '入札参加資格の審査中のため、提案書・提案価格・入札は受け付けられません。事務局の承認をお待ちください。';
    case 'rejected':
      return `入札参加資格が承認されていないため（不承認${vendor.qualificationReason ? `: ${vendor.qualificationReason}` : ''}）、提案書・提案価格・入札は受け付けられません。`;
  }
}

export interface QualificationDecision {
  status: 'approved' | 'rejected';
  reason?: string | undefined;
}

export type DecisionOutcome =
  | { ok: true; status: 'approved' | 'rejected'; reason: string | null }
  | { ok: false; problem: 'reason_required' | 'unchanged'; message: string };

/**
 * The standing a decision gives: a rejection needs its reason; a decision that changes nothing (the
 * same status, and for a rejection the same reason) is refused, so the record holds real decisions only.
 */
export function decideQualification(current: QualificationStanding, decision: QualificationDecision): DecisionOutcome {
  const reason = decision.reason?.trim() || null;
  if (decision.status === 'rejected' && reason === null) return { ok: false, problem: 'reason_required', message: '不承認にする理由を入力してください。' };
  if (current.qualification === decision.status && (decision.status === 'approved' || current.qualificationReason === reason)) {
    return {
      ok: false,
      problem: 'unchanged',
      message: decision.status === 'approved' ? 'この事業者はすでに承認されています。' : 'この事業者はすでに同じ理由で不承認になっています。',
    };
  }
  return { ok: true, status: decision.status, reason };
}

const rank: Record<Qualification, number> = { pending: 0, rejected: 1, approved: 2 };

/** The secretariat's list: those waiting for a decision first (the longest-waiting first), then by name. */
export function qualificationOrder<T extends QualificationStanding & { name: string; createdAt: Date }>(a: T, b: T): number {
  if (rank[a.qualification] !== rank[b.qualification]) return rank[a.qualification] - rank[b.qualification];
  if (a.qualification === 'pending' && a.createdAt.getTime() !== b.createdAt.getTime()) return a.createdAt.getTime() - b.createdAt.getTime();
  return a.name.localeCompare(b.name, 'ja');
}

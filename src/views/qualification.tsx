import { type QualificationStanding, qualificationLabels } from '../domain/qualification.ts';

/**
 * Tells a vendor that is not approved why it cannot propose or bid (審査中, or 不承認 with the
 * secretariat's reason), in place of a form that would be refused.
 */
export function QualificationNotice({ standing }: { standing: QualificationStanding | null }) {
  if (!standing || standing.qualification === 'approved') return null;
  return (
    <div class="notice" role="status">
      <p>
        <strong>入札参加資格: {qualificationLabels[standing.qualification]}</strong>
        {standing.qualification === 'rejected' && standing.qualificationReason ? `（理由: ${standing.qualificationReason}）` : null}
      </p>
      <p>
        {standing.qualification === 'pending'
          ? '事務局が入札参加資格を確認して承認するまで、提案書・提案価格の提出と入札はできません（情報提供依頼への回答はできます）。'
          : '入札参加資格が承認されていないため、提案書・提案価格の提出と入札はできません。ご不明な点は事務局にお問い合わせください。'}
      </p>
    </div>
  );
}

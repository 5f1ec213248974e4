import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { outcomeLabels } from '../../domain/bidding.ts';
import { points } from '../../domain/format.ts';
import { selectedPartyLabel } from '../../domain/methods.ts';
import { formatYen } from '../../domain/money.ts';
import { awardView, findAward } from '../../services/award.ts';
import { type OpenedRound, findBidding } from '../../services/bidding.ts';
import { computeResults, findEvaluation } from '../../services/evaluation.ts';
import { issuedWithAward } from '../../services/years.ts';
import type { TableSpec } from '../layout.ts';
import { type BuiltDocument, type DocumentContext, apportionmentTable, caseInfo, issuerOf, memberOptionTable, rankingTable, when } from './common.ts';

export async function awardPayload(db: Db, row: CaseRow, ctx: DocumentContext): Promise<BuiltDocument | null> {
  const found = await findAward(db, row.id);
  if (!found) return null;
  const award = awardView(found);
  // the notice shows what the award issued: a joiner or a change after it never redraws it
  const issued = await issuedWithAward(db, row.id);
  const { table: memberOptions, count } = await memberOptionTable(db, row, issued);
  const shares = await apportionmentTable(db, row, issued);
  const tables: Record<string, TableSpec> = { memberOptions };
  if (shares) tables.shares = shares;

  const evaluation = await findEvaluation(db, row.id);
  let evaluationSummary = null;
  if (evaluation?.row.closedAt) {
    const results = await computeResults(db, row.id, evaluation.row);
    tables.ranking = rankingTable(results, (r) => r.vendorName);
    evaluationSummary = { evaluators: results.evaluatorCount, technicalMax: points(results.technicalMax), passLine: points(results.passLine) };
  }
  const bidding = await findBidding(db, row.id);
  const opened = (bidding?.rounds ?? []).filter((r) => r.openedAt).map((r) => r.result as unknown as OpenedRound);
  const bidSummary = opened.length
    ? { rounds: opened.length, lastOutcome: outcomeLabels[opened.at(-1)!.outcome], bidders: opened[0]!.bids.filter((b) => b.status !== 'declined').length }
    : null;

  const party = selectedPartyLabel(row.method);
  const selection = row.method === 'quotation' ? '見積合わせ' : '入札';
  return {
        draft: false,
    payload: {
      case: caseInfo(row),
      issuer: issuerOf(ctx),
      award: {
        heading: row.method === 'proposal' ? '契約候補者の選定結果について' : row.method === 'negotiated' ? '随意契約の相手方の決定について' : row.method === 'quotation' ? '見積合わせの結果について' : '落札者の決定について',
        partyLabel: party,
        vendorName: award.vendorName,
        amount: award.amount === null ? '提案価格の登録なし' : `${formatYen(award.amount)}（税抜）`,
        amountWithTax: award.amountWithTax === null ? '' : `${formatYen(award.amountWithTax)}（消費税率 ${Math.round(award.taxRate * 100)}%、円未満切り捨て）`,
        decidedAt: when(award.decidedAt),
        basisLabel: { evaluation: `提案の評価の結果、${party}として選定`, bidding: `${selection}の結果、${party}として決定`, manual: '事務局の決定', negotiated: '随意契約の相手方として決定' }[award.basis],
        decisionText: row.method === 'proposal' ? `次のとおり${party}を選定しました。` : `次のとおり${party}を決定しました。`,
        // a proposal selects whom to negotiate with; the contract itself follows by 随意契約
        contractNote: row.method === 'proposal' ? `契約は、${party}と協議が整ったときに、随意契約により締結します。` : '',
      },
      participantCount: count,
      evaluationSummary,
      bidSummary,
      hasShares: Boolean(shares),
      tables,
    },
  };
}


import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { pointsRule } from '../../domain/format.ts';
import { contactLines } from '../../domain/issuer.ts';
import { isPriceCompetition } from '../../domain/methods.ts';
import { aggregationLabels } from '../../domain/scoring.ts';
import { findBidding } from '../../services/bidding.ts';
import { findEvaluation } from '../../services/evaluation.ts';
import { findRfi } from '../../services/rfi.ts';
import { currentSpec } from '../../services/spec.ts';
import type { TableSpec } from '../layout.ts';
import { type BuiltDocument, type DocumentContext, bodyDate, bodyDateTime, caseInfo, criteriaTable, issuerOf, memberOptionTable, placeMemberOptionTables } from './common.ts';

/** 第1, 第2 … as the spec numbers its sections; 第10 and on in the same style. */
const sectionNumber = (n: number) => `第${n}`;

/**
 * A section number the secretariat typed at the head of its own heading (第3, 第３章, 第三節): the
 * spec numbers every section itself, so a typed one would only repeat or contradict it.
 */
const typedSectionNumber = /^第[0-9０-９一二三四五六七八九十]+[章節]?[\s　]+/;

/**
 * The default term of performance: the fiscal year, 1 April to 31 March in Japan. A case published (or,
 * before publication, created) once that year has begun cannot be performed from 1 April: the term runs
 * from the day the contract is concluded, as the award notice says; after the year, the contract sets it.
 */
function performanceTerm(ctx: DocumentContext, fiscalYear: number, since: Date): string {
  const from = new Date(`${fiscalYear}-04-01T00:00:00+09:00`);
  const to = new Date(`${fiscalYear + 1}-03-31T00:00:00+09:00`);
  if (since.getTime() >= new Date(`${fiscalYear + 1}-04-01T00:00:00+09:00`).getTime()) return '契約書に定める期間';
  return `${since.getTime() >= from.getTime() ? '契約締結の日' : bodyDate(ctx, from)}から${bodyDate(ctx, to)}まで`;
}

/**
 * The spec (仕様書). Its sections are numbered 第1, 第2 … in the order of templates/spec.yaml: the
 * template's own sections and the secretariat's (第3 onwards) in one sequence; a sub-heading is 1, 2 …,
 * and what the secretariat wrote inside a section ("1 …", "(1) …") is printed as written.
 * The schedule is the one the method runs on and the system enforces: the RFI's deadline as the RFI
 * holds it, the proposal deadline of a proposal, the first round's deadline and opening of a tender.
 */
export async function specPayload(db: Db, row: CaseRow, ctx: DocumentContext): Promise<BuiltDocument> {
  const spec = await currentSpec(db, row.id);
  const members = await memberOptionTable(db, row, ctx);
  const takesProposals = row.method === 'proposal' || row.method === 'comprehensive';
  const takesBids = isPriceCompetition(row.method);
  const bidding = takesBids ? await findBidding(db, row.id) : null;
  const round1 = bidding?.rounds[0];
  const rfi = await findRfi(db, row.id);
  const evaluation = await findEvaluation(db, row.id);
  const requirements: TableSpec | null = spec?.requirements.length
    ? {
        columns: [
          { header: '番号', width: { fraction: 0.12 } },
          { header: '要件' },
          { header: '区分', width: { fraction: 0.12 }, align: 'center' },
        ],
        rows: spec.requirements.map((r) => [r.code, r.text, r.level === 'must' ? '必須' : '任意']),
      }
    : null;
  const criteria = await criteriaTable(db, row);

  const tables: Record<string, TableSpec> = {};
  // many options: headed by codes (①②…) in tables of a few options each, with the legend
  const memberOptionParts = placeMemberOptionTables(tables, members);
  if (requirements) tables.requirements = requirements;
  if (criteria) tables.criteria = criteria;

  const later = '別途通知する';
  const bidWord = row.method === 'quotation' ? '見積' : '入札';
  const schedule = {
    rfiDeadline: rfi ? bodyDateTime(ctx, rfi.deadline) : '',
    questionDeadline: bodyDateTime(ctx, row.questionDeadline),
    submissionLabel: row.method === 'comprehensive' ? '技術提案書の提出期限' : '提案書の提出期限',
    submissionDeadline: takesProposals ? bodyDateTime(ctx, row.submissionDeadline) || later : '',
    bidLabel: row.method === 'quotation' ? '見積書の提出期限' : '入札締切',
    bidDeadline: takesBids ? bodyDateTime(ctx, round1?.deadlineAt) || later : '',
    opening: takesBids ? bodyDateTime(ctx, round1?.openingAt) || later : '',
  };
  const hasSchedule = Object.entries(schedule).some(([key, value]) => !key.endsWith('Label') && value !== '');
  const contact = contactLines(ctx.issuer);
  const submission = takesProposals || takesBids ? { proposal: takesProposals, bid: takesBids, both: takesProposals && takesBids, bidWord } : null;

  // the numbers, in the order the template draws the sections
  let n = 0;
  const next = () => sectionNumber(++n);
  const no = {
    overview: next(),
    scope: next(),
    sections: (spec?.sections ?? []).map(() => next()),
    requirements: requirements ? next() : '',
    members: next(),
    schedule: hasSchedule ? next() : '',
    criteria: criteria ? next() : '',
    submission: submission ? next() : '',
    contact: contact.length > 0 ? next() : '',
  };

  return {
    // a spec is a draft (案) until the case is published
    draft: ['draft', 'rfi', 'spec_review'].includes(row.state),
    payload: {
      case: caseInfo(row, ctx),
      issuer: issuerOf(ctx),
      version: spec?.version ?? null,
      no,
      participantCount: members.count,
      optionCount: row.options.length,
      performance: {
        term: performanceTerm(ctx, row.fiscalYear, row.publishedAt ?? row.createdAt),
        place: `各参加団体の指定する場所\n（参加団体は「${no.members} 参加団体とオプション」に掲げるとおり）`,
      },
      sections: (spec?.sections ?? []).map((s, i) => ({
        number: no.sections[i],
        heading: s.heading.replace(typedSectionNumber, ''),
        paragraphs: s.body.split(/\n+/).filter((p) => p.trim() !== ''),
      })),
      hasRequirements: Boolean(requirements),
      memberOptionParts,
      schedule,
      hasSchedule,
      evaluation: evaluation
        ? { passRatioPercent: Math.round(Number(evaluation.row.passRatio) * 100), aggregationLabel: aggregationLabels[evaluation.row.aggregation], pointsRule }
        : null,
      submission,
      contact,
      tables,
    },
  };
}

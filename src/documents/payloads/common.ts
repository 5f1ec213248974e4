import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { memberKindLabels, optionMark } from '../../domain/apportionment.ts';
import { fiscalYearLabel } from '../../domain/fiscal-year.ts';
import { points } from '../../domain/format.ts';
import { type IssuerSettings, issuerLines } from '../../domain/issuer.ts';
import { isPriceCompetition, negotiatedGroundCitation, negotiatedGrounds, selectedPartyLabel } from '../../domain/methods.ts';
import { formatYen } from '../../domain/money.ts';
import { computeApportionment } from '../../services/apportionment.ts';
import { caseMethodLabels, contractModeLabels } from '../../services/cases.ts';
import type { computeResults } from '../../services/evaluation.ts';
import { findEvaluation } from '../../services/evaluation.ts';
import { listParticipation } from '../../services/participation.ts';
import type { StoredYearShares } from '../../../schema/index.ts';
import { formatJapaneseDate, type TableSpec } from '../layout.ts';
import type { DocumentPayload } from '../template.ts';

/**
 * Payload builders: each gathers what one document shows into plain data. The renderer draws it from a
 * template without touching the database. A section whose data does not exist yet is left out.
 *
 * A payload never holds the document's number or issue date (the renderer prints those), so the same
 * data gives the same payload, and an unchanged document is not issued again.
 */

/** What every builder is given besides the case: who issues, and for whom the copy is. */
export interface DocumentContext {
  issuer: IssuerSettings;
}

/** A built document: its payload, and whether the data makes it a draft (案) whatever the caller wants. */
export interface BuiltDocument {
  payload: DocumentPayload;
  draft: boolean;
}

/** The issuer block at the right of a notice, with the seal as configured. */
export const issuerOf = (ctx: DocumentContext): NonNullable<DocumentPayload['issuer']> => ({ lines: issuerLines(ctx.issuer), seal: ctx.issuer.seal });

const jstDate = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo' });

const jstWeekday = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', weekday: 'short' });
const jstClock = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const narrowEra = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { timeZone: 'Asia/Tokyo', era: 'narrow', year: 'numeric', month: 'numeric', day: 'numeric' });

/**
 * A date in the body of a document, in the consortium's calendar only (令和8年4月1日 or 2026年4月1日):
 * the date lines at the top already give both calendars.
 */
export const bodyDate = (ctx: DocumentContext, d: Date | string | null | undefined) => {
  if (!d) return '';
  const date = formatJapaneseDate(new Date(d));
  return ctx.issuer.era === 'seireki' ? date.gregorian : date.era;
};

/** A deadline in the body of a document: 令和8年6月9日（火）17時00分. */
export const bodyDateTime = (ctx: DocumentContext, d: Date | string | null | undefined) => {
  if (!d) return '';
  const at = new Date(d);
  const [hour, minute] = jstClock.format(at).split(':');
  return `${bodyDate(ctx, at)}（${jstWeekday.format(at)}）${Number(hour)}時${minute}分`;
};

/** A date in a narrow table cell: R8.4.1 (和暦) or 2026/4/1 (西暦). */
export const cellDate = (ctx: DocumentContext, d: Date | string | null | undefined) => {
  if (!d) return '';
  const at = new Date(d);
  if (ctx.issuer.era === 'seireki') return jstDate.format(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => narrowEra.formatToParts(at).find((p) => p.type === type)?.value ?? '';
  return `${part('era')}${part('year')}.${part('month')}.${part('day')}`;
};

export type Results = Awaited<ReturnType<typeof computeResults>>;

/** The ranking as the award and the evaluation summary print it; a tie is marked at its rank. */
export function rankingTable(results: Results, vendorName: (r: Results['ranking'][number]) => string): TableSpec {
  return {
    columns: [
      { header: '順位', width: { fraction: 0.1 }, align: 'right' },
      { header: '提案者' },
      { header: '技術点', width: { fraction: 0.13 }, align: 'right' },
      { header: '価格点', width: { fraction: 0.13 }, align: 'right' },
      { header: '合計点', width: { fraction: 0.13 }, align: 'right' },
      { header: '判定', width: { fraction: 0.12 }, align: 'center' },
    ],
    rows: results.ranking.map((r) => [String(r.rank) + (r.tie ? '（同点）' : ''), vendorName(r), points(r.technical), points(r.price), points(r.total), r.passed ? '合格' : '不合格']),
  };
}

export function caseInfo(row: CaseRow, ctx?: DocumentContext) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    descriptionLines: row.description.split(/\n+/),
    method: row.method,
    methodLabel: caseMethodLabels[row.method],
    contractModeLabel: contractModeLabels[row.contractMode],
    // in the consortium's calendar first, as the document's dates are
    fiscalYearLabel: fiscalYearLabel(row.fiscalYear, ctx?.issuer.era ?? 'seireki'),
    isProposal: row.method === 'proposal' || row.method === 'comprehensive',
    isBid: isPriceCompetition(row.method),
    /** what the selection names: 落札者, 契約候補者（優先交渉権者）, 契約の相手方 … */
    partyLabel: selectedPartyLabel(row.method),
    // 随意契約: the ground as cited in full, and the reason (empty for every other method)
    negotiatedGroundText: row.method === 'negotiated' && row.negotiatedGround ? `${negotiatedGroundCitation(row.negotiatedGround)}（${negotiatedGrounds[row.negotiatedGround as keyof typeof negotiatedGrounds] ?? ''}）` : '',
    negotiatedReason: row.method === 'negotiated' ? (row.negotiatedReason ?? '') : '',
  };
}

/** The mark of the i-th option in a coded member × option table: ①…㊿, then (51)…. */
export const optionCode = (i: number): string => (i < 20 ? String.fromCodePoint(0x2460 + i) : i < 35 ? String.fromCodePoint(0x3251 + i - 20) : i < 50 ? String.fromCodePoint(0x32b1 + i - 35) : `(${i + 1})`);

/** Up to this many options are headed by their names; more are headed by codes with a legend. */
export const NAMED_OPTION_COLUMNS = 4;
/** Coded option columns per table: more go to a further table, each listing the bodies again. */
const CODED_OPTION_COLUMNS = 8;

export interface MemberOptionTables {
  /** every option in one table, headed by the options' names (narrow columns with many options) */
  table: TableSpec;
  /**
   * The same as one or more tables that stay readable with any number of options: up to four options
   * headed by name, more headed ①②… (at most eight a table), with `legend` giving each code's option.
   */
  parts: { table: TableSpec; caption: string }[];
  /** code → option, with how many bodies chose it; null when the options are headed by name */
  legend: TableSpec | null;
  count: number;
}

/**
 * Puts the member × option tables into a payload's tables (memberOptions, memberOptions2 …, and the
 * legend of coded options) and answers the parts as a template loops over them.
 */
export function placeMemberOptionTables(tables: Record<string, TableSpec>, members: MemberOptionTables): { table: string; caption: string | null }[] {
  if (members.legend) tables.optionLegend = members.legend;
  return members.parts.map((part, i) => {
    const name = i === 0 ? 'memberOptions' : `memberOptions${i + 1}`;
    tables[name] = part.table;
    return { table: name, caption: part.caption || null };
  });
}

/**
 * 参加団体 × オプション: ○ for a chosen option, the quantity where one was given, — otherwise. With the
 * shares an award issued, the bodies and options as they were issued, not as the record stands now.
 */
export async function memberOptionTable(db: Db, row: CaseRow, ctx: DocumentContext, issued?: StoredYearShares | null): Promise<MemberOptionTables> {
  const all = await listParticipation(db, row.consortiumId, row.id);
  const kindOf = new Map(all.map((p) => [p.member.id, p.member.kind]));
  // the bodies in the order the apportionment lists them (団体コード, then name), so the spec, the notice's
  // shares and its member table agree
  const list = issued
    ? issued.shares.map((s) => ({ name: s.memberName, kind: kindOf.get(s.memberId), options: s.options, joinedAt: s.joinedAt ?? null, lateJoin: s.lateJoin ?? false }))
    : all
        .filter((p) => p.participant?.participating)
        .sort((a, b) => (a.member.code ?? '~').localeCompare(b.member.code ?? '~') || a.member.name.localeCompare(b.member.name, 'ja') || a.member.id.localeCompare(b.member.id))
        .map(({ member, participant }) => ({ name: member.name, kind: member.kind, ...participant! }));
  // 参加日 in the document's calendar, as the other table dates (R8.4.1)
  const joined = (p: (typeof list)[number]) => `${p.joinedAt ? cellDate(ctx, p.joinedAt) : ''}${p.lateJoin ? '（後乗り）' : ''}`;
  const build = (options: typeof row.options, header: (o: (typeof row.options)[number], i: number) => string, optionWidth: number, nameWidth: number): TableSpec => ({
    columns: [
      { header: '団体名', width: { fraction: nameWidth } },
      { header: '区分', width: { fraction: 0.1 } },
      ...options.map((o, i) => ({ header: header(o, i), width: { fraction: optionWidth }, align: 'center' as const })),
      // the join date takes what the other columns leave
      { header: '参加日' },
    ],
    rows: list.map((p) => [p.name, p.kind ? memberKindLabels[p.kind] : '', ...options.map((o) => optionMark(p.options[o.code])), joined(p)]),
  });
  const table = build(row.options, (o) => o.name, row.options.length > 0 ? Math.min(0.18, 0.5 / row.options.length) : 0, 0.24);
  if (row.options.length === 0) return { table, parts: [{ table, caption: '' }], legend: null, count: list.length };
  if (row.options.length <= NAMED_OPTION_COLUMNS) {
    // a few options headed by name share what the body, its kind and the join date leave
    const named = build(row.options, (o) => o.name, Math.min(0.26, 0.5 / row.options.length), 0.24);
    return { table, parts: [{ table: named, caption: '' }], legend: null, count: list.length };
  }

  const parts: MemberOptionTables['parts'] = [];
  for (let first = 0; first < row.options.length; first += CODED_OPTION_COLUMNS) {
    const options = row.options.slice(first, first + CODED_OPTION_COLUMNS);
    const last = first + options.length - 1;
    const caption = row.options.length > CODED_OPTION_COLUMNS ? `オプション ${optionCode(first)}〜${optionCode(last)}` : '';
    parts.push({ table: build(options, (_o, i) => optionCode(first + i), 0.07, 0.22), caption });
  }
  const chosen = (value: boolean | number | undefined) => (typeof value === 'number' ? value > 0 : value === true);
  const legend: TableSpec = {
    columns: [
      { header: '記号', width: { fraction: 0.08 }, align: 'center' },
      { header: 'オプション' },
      { header: '選択した団体', width: { fraction: 0.16 }, align: 'right' },
      { header: '数量の合計', width: { fraction: 0.16 }, align: 'right' },
    ],
    rows: row.options.map((o, i) => {
      const quantities = list.map((p) => p.options[o.code]).filter((v): v is number => typeof v === 'number' && v > 0);
      return [
        optionCode(i),
        o.name,
        `${list.filter((p) => chosen(p.options[o.code])).length}団体`,
        quantities.length > 0 ? quantities.reduce((a, b) => a + b, 0).toLocaleString('ja-JP') : '—',
      ];
    }),
  };
  return { table, parts, legend, count: list.length };
}

export async function apportionmentTable(db: Db, row: CaseRow, issued?: StoredYearShares | null): Promise<TableSpec | null> {
  let shares: StoredYearShares | null = issued && issued.method !== 'none' ? issued : null;
  if (issued && issued.method === 'none') return null;
  if (!shares) {
    if (!row.apportionment || row.apportionment.method === 'none') return null;
    const { result } = await computeApportionment(db, row);
    if (!result.ok) return null;
    shares = { method: result.method, total: result.total, sum: result.sum, optionTotal: result.optionTotal, shares: result.shares.map((s) => ({ ...s, options: {} })) };
  }
  if (shares.shares.length === 0) return null;
  return {
    columns: [
      { header: '団体名', width: { fraction: 0.34 } },
      { header: '基本負担額', align: 'right' },
      { header: 'オプション料金', align: 'right' },
      { header: '負担額（税抜）', align: 'right' },
    ],
    rows: [
      ...shares.shares.map((s) => [s.memberName, formatYen(s.base), formatYen(s.optionCharges), formatYen(s.amount)]),
      ['合計', formatYen(shares.total), formatYen(shares.optionTotal), formatYen(shares.sum)],
    ],
  };
}

export async function criteriaTable(db: Db, row: CaseRow): Promise<TableSpec | null> {
  const found = await findEvaluation(db, row.id);
  if (!found) return null;
  const criteria = found.row.criteria;
  const modes = { points: '点数', grade: '段階評価（A〜E）', pass_fail: '適否（必須）', price: '価格点（最低価格 ÷ 提案価格 × 配点）' } as const;
  // 区分 and 評価の視点 only when some criterion has one: an empty column only narrows the others
  const grouped = criteria.some((c) => (c.group ?? '').trim() !== '');
  const guided = criteria.some((c) => (c.guidance ?? '').trim() !== '');
  const columns: TableSpec['columns'] = [
    ...(grouped ? [{ header: '区分', width: { fraction: guided ? 0.1 : 0.16 } }] : []),
    { header: '評価項目', width: { fraction: guided ? 0.18 : grouped ? 0.42 : 0.5 } },
    ...(guided ? [{ header: '評価の視点' }] : []),
    { header: '配点', width: { fraction: 0.08 }, align: 'right' as const },
    { header: '評価の方法', ...(guided ? { width: { fraction: 0.22 } } : {}) },
  ];
  return {
    columns,
    rows: criteria.map((c) => [
      ...(grouped ? [c.group ?? ''] : []),
      c.name,
      ...(guided ? [c.guidance?.trim() || '—'] : []),
      c.mode === 'pass_fail' ? '—' : points(c.maxPoints),
      modes[c.mode],
    ]),
  };
}

// ── Dates and addressees of the notices and the tabulation ──────────────────────────────────────

const tokyoParts = (d: Date) => {
  // Japan keeps no summer time: UTC+9 all year, so the wall clock is the UTC fields of the shifted moment
  const t = new Date(d.getTime() + 9 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return { year: t.getUTCFullYear(), month: two(t.getUTCMonth() + 1), day: two(t.getUTCDate()), hour: two(t.getUTCHours()), minute: two(t.getUTCMinutes()), second: two(t.getUTCSeconds()), ms: String(t.getUTCMilliseconds()).padStart(3, '0') };
};

/** A time to the minute: 令和8年6月10日 10時00分 (和暦) or 2026/06/10 10:00 (西暦). */
export const dateTimeOf = (ctx: DocumentContext, d: Date | string | null | undefined): string => {
  if (!d) return '';
  const p = tokyoParts(new Date(d));
  return ctx.issuer.era === 'seireki' ? `${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute}` : `${bodyDate(ctx, d)} ${Number(p.hour)}時${p.minute}分`;
};

/**
 * A receipt time to the millisecond, as the electronic lot reads it, the date and the time on two lines:
 * 令和8年12月1日 / 10時00分05.123秒 (和暦) or 2026/12/01 / 10:00:05.123 (西暦).
 */
export const receiptTimeOf = (ctx: DocumentContext, d: Date | string | null | undefined): string => {
  if (!d) return '';
  const p = tokyoParts(new Date(d));
  return ctx.issuer.era === 'seireki' ? `${p.year}/${p.month}/${p.day}\n${p.hour}:${p.minute}:${p.second}.${p.ms}` : `${bodyDate(ctx, d)}\n${Number(p.hour)}時${p.minute}分${p.second}.${p.ms}秒`;
};

/** 宛先 of a notice: 所在地, 商号, 代表者 様; with no 代表者 the 商号 takes the 様; lines left out when not registered. */
export function addresseeLines(vendor: { name: string; address: string | null; representative: string | null }): string[] {
  const address = vendor.address?.trim() ?? '';
  const representative = vendor.representative?.trim() ?? '';
  return [address, representative ? vendor.name : `${vendor.name}　様`, representative ? `${representative}　様` : ''].filter((line) => line !== '');
}

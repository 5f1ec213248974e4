import type { CaseOption } from '../../schema/index.ts';
import type { CaseRow } from '../db/cases.ts';
import type { MemberRow } from '../db/tenancy.ts';
import { type Share, apportionmentMethodLabels, memberKindLabels, memberKinds, optionMark, RATIO_SCALE } from '../domain/apportionment.ts';
import { type CaseState, caseStateLabels } from '../domain/lifecycle.ts';
import { negotiatedGroundCitation, negotiatedGroundCodes, negotiatedGrounds } from '../domain/methods.ts';
import { caseMethodLabels, contractModeLabels } from '../services/cases.ts';
import { dateOnly, dateTime, toLocalInput, yen } from './format.ts';
import { announcesChanges } from '../domain/addenda.ts';
import { kindOf, optionKindLabels, optionKinds } from '../domain/options.ts';
import { ReasonField } from './addenda.tsx';
import { type FieldErrors, FieldError, invalid } from './messages.tsx';
import type { ChecklistItem } from '../domain/publication.ts';
import { isPriceCompetition } from '../domain/methods.ts';
import { AddRowsButton } from './add-rows.tsx';

export function StateBadge({ state }: { state: CaseState }) {
  return <span class={`badge state-${state}`}>{caseStateLabels[state]}</span>;
}

/** The first bidding round's times, for a case chosen by sealed prices. */
export interface BidTimes {
  deadlineAt: Date;
  openingAt: Date;
}

export function CaseSummary({ row, bid }: { row: CaseRow; bid?: BidTimes | null | undefined }) {
  const priced = isPriceCompetition(row.method);
  const bidWord = row.method === 'quotation' ? '見積' : '入札';
  return (
    <dl class="summary">
      <dt>状態</dt>
      <dd>
        <StateBadge state={row.state} />
      </dd>
      <dt>調達方式</dt>
      <dd>{caseMethodLabels[row.method]}</dd>
      {row.method === 'negotiated' ? <NegotiatedGroundSummary ground={row.negotiatedGround} reason={row.negotiatedReason} /> : null}
      <dt>契約形態</dt>
      <dd>{contractModeLabels[row.contractMode]}</dd>
      <dt>年度</dt>
      <dd>{row.fiscalYear}年度</dd>
      {row.sourceSurveyId ? (
        <>
          <dt>決定の経緯</dt>
          <dd>
            <a href={`/surveys/${row.sourceSurveyId}`}>意向調査</a>の候補から作成
            {row.thresholdException ? `（参加意向が基準に達しない中、政策的に実施: ${row.thresholdException}）` : ''}
          </dd>
        </>
      ) : null}
      <dt>RFI回答期限</dt>
      <dd>{row.rfiDeadline ? dateTime(row.rfiDeadline) : '未設定'}</dd>
      {priced ? (
        <>
          <dt>{bidWord}の締切</dt>
          <dd>{bid ? dateTime(bid.deadlineAt) : '未設定'}</dd>
          <dt>開札日時</dt>
          <dd>{bid ? dateTime(bid.openingAt) : '未設定'}</dd>
        </>
      ) : (
        <>
          <dt>提出期限</dt>
          <dd>{row.submissionDeadline ? dateTime(row.submissionDeadline) : '未設定'}</dd>
        </>
      )}
      <dt>質問受付期限</dt>
      <dd>{row.questionDeadline ? dateTime(row.questionDeadline) : '未設定'}</dd>
      {row.description ? (
        <>
          <dt>概要</dt>
          <dd class="prewrap">{row.description}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** The confirmation an award form asks for before its irreversible step. */
export function AwardConfirm() {
  return (
    <>
      <label class="checkbox">
        <input type="checkbox" name="confirm" required />
        決定を記録すると取り消せないことを確認しました
      </label>
      <button class="primary" type="submit">
        決定を記録する
      </button>
    </>
  );
}

/** 随意契約の根拠 (the item of 第167条の2 第1項 cited in full, with what it says) and the reason, as <dt>/<dd> pairs. */
export function NegotiatedGroundSummary({ ground, reason }: { ground: string | null; reason: string | null }) {
  return (
    <>
      <dt>随意契約の根拠</dt>
      <dd>{ground ? `${negotiatedGroundCitation(ground)}（${negotiatedGrounds[ground as keyof typeof negotiatedGrounds] ?? ''}）` : '未設定'}</dd>
      <dt>随意契約とする理由</dt>
      <dd class="prewrap">{reason ?? '未設定'}</dd>
    </>
  );
}

/**
 * The ground (a <select> of the nine items of 地方自治法施行令 第167条の2 第1項) and the reason of a
 * 随意契約, labelled; `idPrefix` keeps the ids apart where two forms share a page.
 */
export function NegotiatedFields({ idPrefix, ground, reason, note, fields }: { idPrefix: string; ground: string; reason: string; note?: string | undefined; fields?: FieldErrors | undefined }) {
  const help = note ? `${idPrefix}-negotiated-help` : undefined;
  return (
    <fieldset>
      <legend>随意契約の根拠と理由</legend>
      {note ? (
        <p id={help} class="muted">
          {note}
        </p>
      ) : null}
      <label for={`${idPrefix}-negotiated-ground`}>根拠（地方自治法施行令第167条の2第1項）</label>
      <select id={`${idPrefix}-negotiated-ground`} name="negotiatedGround" {...invalid(fields, 'negotiatedGround', `${idPrefix}-negotiated-ground`, help)}>
        <option value="" selected={ground === ''}>
          （選択してください）
        </option>
        {negotiatedGroundCodes.map((code) => (
          <option value={code} selected={ground === code}>
            第{code}号　{negotiatedGrounds[code]}
          </option>
        ))}
      </select>
      <FieldError fields={fields} path="negotiatedGround" id={`${idPrefix}-negotiated-ground`} />
      <label for={`${idPrefix}-negotiated-reason`}>随意契約とする理由</label>
      <textarea id={`${idPrefix}-negotiated-reason`} name="negotiatedReason" rows={3} {...invalid(fields, 'negotiatedReason', `${idPrefix}-negotiated-reason`)}>
        {reason}
      </textarea>
      <FieldError fields={fields} path="negotiatedReason" id={`${idPrefix}-negotiated-reason`} />
    </fieldset>
  );
}

export interface MatrixRow {
  member: MemberRow;
  participant: { participating: boolean; options: Record<string, boolean | number>; joinedAt: string | null; lateJoin: boolean; fromFiscalYear?: number | null } | null;
}

/** 参加団体 × オプション: ○ for a chosen option, the quantity where one was given, — otherwise. */
export function ParticipationMatrix({ options, rows, shares, fiscalYear }: { options: CaseOption[]; rows: MatrixRow[]; shares?: Map<string, Share> | undefined; fiscalYear?: number }) {
  const joined = rows.filter((r) => r.participant?.participating).length;
  return (
    <div class="table-wrap">
      <table>
        <caption>
          参加団体とオプション（参加 {joined} 団体／全 {rows.length} 団体）
        </caption>
        <thead>
          <tr>
            <th scope="col">団体名</th>
            <th scope="col">区分</th>
            <th scope="col">参加</th>
            <th scope="col">参加日</th>
            {options.map((o) => (
              <th scope="col">{o.name}</th>
            ))}
            {shares ? <th scope="col" class="num">負担額</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ member, participant }) => {
            const on = participant?.participating === true;
            const share = shares?.get(member.id);
            return (
              <tr>
                <th scope="row">{member.name}</th>
                <td>{memberKindLabels[member.kind]}</td>
                <td class="mark">
                  {on ? (participant!.lateJoin ? '○（後乗り）' : '○') : '—'}
                  {on && fiscalYear !== undefined && participant!.fromFiscalYear && participant!.fromFiscalYear > fiscalYear ? `（${participant!.fromFiscalYear}年度から）` : ''}
                </td>
                <td>{on ? dateOnly(participant!.joinedAt) : '—'}</td>
                {options.map((o) => (
                  <td class="mark">{optionMark(on ? participant!.options[o.code] : undefined)}</td>
                ))}
                {shares ? <td class="num">{share ? yen(share.amount) : '—'}</td> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Each member's share, before tax and (where the amounts with tax are given) after it, side by side. */
export function ApportionmentTable(props: {
  shares: (Share & { amountWithTax?: number })[];
  total: number;
  optionTotal: number;
  sum: number;
  sumWithTax?: number | undefined;
  caption: string;
  /** false: a member sees its own row, not the consortium's totals */
  totals?: boolean;
}) {
  const taxed = props.sumWithTax !== undefined;
  return (
    <div class="table-wrap">
      <table class="ledger">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">団体名</th>
            <th scope="col" class="num">基本負担額</th>
            <th scope="col" class="num">オプション料金</th>
            <th scope="col" class="num">{taxed ? '負担額（税抜）' : '負担額'}</th>
            {taxed ? <th scope="col" class="num">負担額（税込）</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.shares.map((s) => (
            <tr>
              <th scope="row">{s.memberName}</th>
              <td class="num">{yen(s.base)}</td>
              <td class="num">{yen(s.optionCharges)}</td>
              <td class="num">{yen(s.amount)}</td>
              {taxed ? <td class="num">{s.amountWithTax === undefined ? '—' : yen(s.amountWithTax)}</td> : null}
            </tr>
          ))}
        </tbody>
        {props.totals === false ? null : (
          <tfoot>
            <tr>
              <th scope="row">合計</th>
              <td class="num">{yen(props.total)}</td>
              <td class="num">{yen(props.optionTotal)}</td>
              <td class="num">{yen(props.sum)}</td>
              {taxed ? <td class="num">{yen(props.sumWithTax!)}</td> : null}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

/** The apportionment form's fields as typed (amounts and ratios as text, so a mistyped one comes back as it was). */
export interface PostedApportionment {
  method: string;
  total: string;
  tierPrices: Record<string, string>;
  ratios: Record<'equal' | 'population' | 'births', string>;
  /** '' (a fixed total), 'births' or 'population' */
  volumeBasis: string;
  unitPrice: string;
  tiers: { upTo: string; amount: string }[];
  fiscalYear: string;
  /** the message of each refused field, by its path in the rule ('total', 'volumePricing.tiers.0.amount') */
  fields?: FieldErrors;
}

/** Rows the form offers for a volume price table. */
export const VOLUME_TIER_ROWS = 6;

function storedApportionment(rule: CaseRow['apportionment']): PostedApportionment {
  const volume = rule && 'volumePricing' in rule ? rule.volumePricing : undefined;
  const ratio = (v: number) => (v ? String(v / RATIO_SCALE) : '');
  return {
    method: rule?.method ?? '',
    total: rule && 'total' in rule ? String(rule.total) : '',
    tierPrices: rule?.method === 'tier' ? Object.fromEntries(Object.entries(rule.tierPrices).map(([kind, price]) => [kind, String(price)])) : {},
    ratios: rule?.method === 'mixed' ? { equal: ratio(rule.ratios.equal), population: ratio(rule.ratios.population), births: ratio(rule.ratios.births) } : { equal: '', population: '', births: '' },
    volumeBasis: volume?.basis ?? '',
    unitPrice: volume?.unitPrice === undefined ? '' : String(volume.unitPrice),
    tiers: (volume?.tiers ?? []).map((t) => ({ upTo: t.upTo === null ? '' : String(t.upTo), amount: String(t.amount) })),
    fiscalYear: '',
  };
}

/** The apportionment form: the stored rule, or what was typed into a refused post. */
export function ApportionmentForm({ row, posted, firstOpenYear }: { row: CaseRow; posted?: PostedApportionment | undefined; firstOpenYear: number }) {
  const shown = posted ?? storedApportionment(row.apportionment);
  const fields = posted?.fields;
  const tiers = [...shown.tiers, ...Array.from({ length: Math.max(0, VOLUME_TIER_ROWS - shown.tiers.length) }, () => ({ upTo: '', amount: '' }))];
  // the rule counts only the rows with an amount: row i of the form is tier `filled[i]` of the rule
  let counted = 0;
  const filled = tiers.map((t) => (t.amount.trim() === '' ? -1 : counted++));
  return (
    <form method="post" action={`/cases/${row.id}/apportionment`} class="card">
      <h3>按分方法の設定</h3>
      {firstOpenYear > row.fiscalYear ? <p class="notice">確定済みの年度は変わりません。ここで保存する按分方法は{firstOpenYear}年度以降に適用されます。</p> : null}
      <label for="ap-method">按分方法</label>
      <select id="ap-method" name="method" {...invalid(fields, 'method', 'ap-method')}>
        {Object.entries(apportionmentMethodLabels).map(([value, label]) => (
          <option value={value} selected={shown.method === value}>
            {label}
          </option>
        ))}
      </select>
      <FieldError fields={fields} path="method" id="ap-method" />
      <label for="ap-total">按分する総額（円・税抜）</label>
      <input id="ap-total" name="total" type="text" inputmode="numeric" value={shown.total} {...invalid(fields, 'total', 'ap-total', 'ap-total-help')} />
      <FieldError fields={fields} path="total" id="ap-total" />
      <p id="ap-total-help" class="muted">均等割・人口割・出生数割・組合せで使います。</p>
      <fieldset>
        <legend>区分別定額（円・税抜）</legend>
        <div class="grid4">
          {memberKinds.map((kind) => (
            <div>
              <label for={`tier-${kind}`}>{memberKindLabels[kind]}</label>
              <input id={`tier-${kind}`} name={`tier_${kind}`} type="text" inputmode="numeric" value={shown.tierPrices[kind] ?? ''} {...invalid(fields, `tierPrices.${kind}`, `tier-${kind}`)} />
              <FieldError fields={fields} path={`tierPrices.${kind}`} id={`tier-${kind}`} />
            </div>
          ))}
        </div>
        <FieldError fields={fields} path="tierPrices" id="ap-tier-prices" />
      </fieldset>
      <fieldset>
        <legend>組合せの割合（合計 1）</legend>
        <div class="grid4">
          {(['equal', 'population', 'births'] as const).map((k) => (
            <div>
              <label for={`ratio-${k}`}>{{ equal: '均等割', population: '人口割', births: '出生数割' }[k]}</label>
              <input
                id={`ratio-${k}`}
                name={`ratio_${k}`}
                type="text"
                inputmode="decimal"
                value={shown.ratios[k]}
                {...(fields?.[`ratios.${k}`] ? invalid(fields, `ratios.${k}`, `ratio-${k}`) : invalid(fields, 'ratios', 'ap-ratios'))}
              />
              <FieldError fields={fields} path={`ratios.${k}`} id={`ratio-${k}`} />
            </div>
          ))}
        </div>
        <FieldError fields={fields} path="ratios" id="ap-ratios" />
      </fieldset>
      <fieldset>
        <legend>参加団体の出生数・人口に応じた総額（数量連動、任意）</legend>
        <p class="muted">選ぶと、総額の代わりに、その年度の参加団体の出生数（前々年度）または人口の合計から年度の総額を決めます。単価か価格表のどちらかを入力します。</p>
        <label for="ap-volume-basis">数量の基準</label>
        <select id="ap-volume-basis" name="volume_basis" {...invalid(fields, 'volumePricing.basis', 'ap-volume-basis')}>
          <option value="" selected={shown.volumeBasis === ''}>使わない（総額を入力）</option>
          <option value="births" selected={shown.volumeBasis === 'births'}>出生数（前々年度）の合計</option>
          <option value="population" selected={shown.volumeBasis === 'population'}>人口の合計</option>
        </select>
        <FieldError fields={fields} path="volumePricing.basis" id="ap-volume-basis" />
        <label for="ap-unit-price">単価（1人あたり・円・税抜）</label>
        <input id="ap-unit-price" name="unit_price" type="text" inputmode="numeric" value={shown.unitPrice} {...invalid(fields, 'volumePricing.unitPrice', 'ap-unit-price')} />
        <FieldError fields={fields} path="volumePricing.unitPrice" id="ap-unit-price" />
        <FieldError fields={fields} path="volumePricing" id="ap-volume" />
        <FieldError fields={fields} path="volumePricing.tiers" id="ap-volume-tiers" />
        <table>
          <caption>価格表（上限の小さい順。最後の区分は上限を空欄にすると上限なし）</caption>
          <thead>
            <tr>
              <th scope="col">合計の上限（以下）</th>
              <th scope="col">年度の総額（円・税抜）</th>
            </tr>
          </thead>
          <tbody>
            {tiers.map((t, i) => (
              <tr>
                <td>
                  <input type="text" name="tier_up_to" id={`ap-up-to-${i}`} inputmode="numeric" value={t.upTo} aria-label={`${i + 1}段目の上限`} {...invalid(fields, `volumePricing.tiers.${filled[i]}.upTo`, `ap-up-to-${i}`)} />
                  <FieldError fields={fields} path={`volumePricing.tiers.${filled[i]}.upTo`} id={`ap-up-to-${i}`} />
                </td>
                <td>
                  <input type="text" name="tier_amount" id={`ap-amount-${i}`} inputmode="numeric" value={t.amount} aria-label={`${i + 1}段目の総額`} {...invalid(fields, `volumePricing.tiers.${filled[i]}.amount`, `ap-amount-${i}`)} />
                  <FieldError fields={fields} path={`volumePricing.tiers.${filled[i]}.amount`} id={`ap-amount-${i}`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <label for="ap-year">適用を始める年度（任意）</label>
      <input id="ap-year" name="fiscal_year" type="text" inputmode="numeric" value={shown.fiscalYear} {...invalid(fields, 'fiscalYear', 'ap-year', 'ap-year-help')} />
      <FieldError fields={fields} path="fiscalYear" id="ap-year" />
      <p id="ap-year-help" class="muted">空欄のときは、決定前は案件の年度（{row.fiscalYear}年度）、決定後は確定していない最初の年度（{firstOpenYear}年度）から適用します。</p>
      <button class="primary" type="submit">
        按分方法を保存
      </button>
    </form>
  );
}

/** An option row as typed (the price as text). */
export interface PostedOption {
  code: string;
  name: string;
  /** 'yesno' or 'quantity' (an option stored before kinds shows as a quantity) */
  kind: string;
  price: string;
}

/**
 * The options form: the stored options, or the rows typed into a refused post, then blank rows (three,
 * or more after 「行を追加」: a script adds a row in place; without it the button posts the rows typed
 * so far and the page comes back with three more blank rows, nothing saved).
 */
export function OptionsForm({ row, posted, reason, blanks = 3, fields }: { row: CaseRow; posted?: PostedOption[] | undefined; reason?: string | undefined; blanks?: number; fields?: FieldErrors | undefined }) {
  const rows: PostedOption[] = posted ?? row.options.map((o) => ({ code: o.code, name: o.name, kind: kindOf(o), price: o.price === null || o.price === undefined ? '' : String(o.price) }));
  const all = [...rows, ...Array.from({ length: blanks }, () => ({ code: '', name: '', kind: 'yesno', price: '' }))];
  return (
    <form method="post" action={`/cases/${row.id}/options#options-heading`} class="card">
      <h3>オプションの一覧</h3>
      <p class="muted" id="options-help">
        種類は「利用の有無」（団体ごとに申し込むか否か。単価は1団体あたり）か「数量」（団体ごとに数を申し込む。単価は1単位あたり）です。コードは空欄なら自動で付きます（opt-1、opt-2…）。行を削除するにはオプション名を空にします。
      </p>
      <div class="table-wrap">
        <table class="rows" aria-describedby="options-help">
          <thead>
            <tr>
              <th scope="col">オプション名</th>
              <th scope="col">種類</th>
              <th scope="col">単価（円・税抜、任意）</th>
              <th scope="col">コード（任意）</th>
            </tr>
          </thead>
          <tbody id="option-rows">
            {all.map((o, i) => (
              <tr>
                <td>
                  <input type="text" name="name" id={`opt-name-${i}`} value={o.name} aria-label={`${i + 1}行目のオプション名`} {...invalid(fields, `options.${i}.name`, `opt-name-${i}`)} />
                  <FieldError fields={fields} path={`options.${i}.name`} id={`opt-name-${i}`} />
                </td>
                <td>
                  <select name="kind" aria-label={`${i + 1}行目の種類`}>
                    {optionKinds.map((k) => (
                      <option value={k} selected={o.kind === k}>
                        {optionKindLabels[k]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input type="text" name="price" id={`opt-price-${i}`} inputmode="numeric" value={o.price} aria-label={`${i + 1}行目の単価`} {...invalid(fields, `options.${i}.price`, `opt-price-${i}`)} />
                  <FieldError fields={fields} path={`options.${i}.price`} id={`opt-price-${i}`} />
                </td>
                <td>
                  <input type="text" name="code" id={`opt-code-${i}`} value={o.code} aria-label={`${i + 1}行目のコード`} {...invalid(fields, `options.${i}.code`, `opt-code-${i}`)} />
                  <FieldError fields={fields} path={`options.${i}.code`} id={`opt-code-${i}`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <AddRowsButton rowsId="option-rows" blanks={blanks} />
      <ReasonField id="options-reason" value={reason} published={announcesChanges(row)} fields={fields} />
      <button class="primary" type="submit">
        オプションを保存
      </button>
      <script src="/assets/rows.js" defer />
    </form>
  );
}

/** The case edit form's fields as typed (deadlines as datetime-local values, in Japan time). */
export interface PostedCaseEdit {
  title: string;
  description: string;
  rfiDeadline: string;
  submissionDeadline: string;
  questionDeadline?: string;
  reason?: string;
  negotiatedGround?: string;
  negotiatedReason?: string;
}

/** The case edit form: the stored case, or what was typed into a refused post. */
export function CaseEditForm({ row, posted, fields }: { row: CaseRow; posted?: PostedCaseEdit | undefined; fields?: FieldErrors | undefined }) {
  const shown: PostedCaseEdit = posted ?? {
    title: row.title,
    description: row.description,
    rfiDeadline: toLocalInput(row.rfiDeadline),
    submissionDeadline: toLocalInput(row.submissionDeadline),
    questionDeadline: toLocalInput(row.questionDeadline),
    negotiatedGround: row.negotiatedGround ?? '',
    negotiatedReason: row.negotiatedReason ?? '',
  };
  return (
    <form method="post" action={`/cases/${row.id}/edit`} class="card">
      <h3>案件情報の編集</h3>
      <label for="edit-title">件名</label>
      <input id="edit-title" name="title" type="text" required value={shown.title} {...invalid(fields, 'title', 'edit-title')} />
      <FieldError fields={fields} path="title" id="edit-title" />
      <label for="edit-description">概要</label>
      <textarea id="edit-description" name="description" rows={3} {...invalid(fields, 'description', 'edit-description')}>
        {shown.description}
      </textarea>
      <FieldError fields={fields} path="description" id="edit-description" />
      {row.method === 'negotiated' ? <NegotiatedFields idPrefix="edit" ground={shown.negotiatedGround ?? ''} reason={shown.negotiatedReason ?? ''} fields={fields} /> : null}
      <div class="grid4">
        <div>
          <label for="edit-rfi">RFI回答期限</label>
          <input id="edit-rfi" name="rfiDeadline" type="datetime-local" value={shown.rfiDeadline} {...invalid(fields, 'rfiDeadline', 'edit-rfi', 'edit-dates-help')} />
          <FieldError fields={fields} path="rfiDeadline" id="edit-rfi" />
        </div>
        {isPriceCompetition(row.method) ? null : (
          <div>
            <label for="edit-submission">提出期限</label>
            <input id="edit-submission" name="submissionDeadline" type="datetime-local" value={shown.submissionDeadline} {...invalid(fields, 'submissionDeadline', 'edit-submission', 'edit-dates-help')} />
            <FieldError fields={fields} path="submissionDeadline" id="edit-submission" />
          </div>
        )}
        <div>
          <label for="edit-question">質問受付期限</label>
          <input id="edit-question" name="questionDeadline" type="datetime-local" value={shown.questionDeadline ?? ''} {...invalid(fields, 'questionDeadline', 'edit-question', 'edit-dates-help')} />
          <FieldError fields={fields} path="questionDeadline" id="edit-question" />
        </div>
      </div>
      <p class="muted" id="edit-dates-help">
        日時は日本時間です。空欄にすると期限を設定しません。過去の日時は指定できません。RFI回答期限は
        <a href={`/cases/${row.id}/rfi`}>情報提供依頼（RFI）のページ</a>の回答期限と同じ値です（どちらで変更しても同じ期限が変わります）。
        {isPriceCompetition(row.method) ? (
          <>
            {' '}
            {row.method === 'quotation' ? '見積' : '入札'}の締切と開札日時は<a href={`/cases/${row.id}/bidding`}>{row.method === 'quotation' ? '見積' : '入札'}の設定</a>で変更します。
          </>
        ) : null}
      </p>
      <ReasonField id="edit-reason" value={shown.reason} published={announcesChanges(row)} fields={fields} />
      <button class="primary" type="submit">
        保存する
      </button>
    </form>
  );
}

/**
 * What publishing the case still needs (公表前の確認), as a list that reads without colour: each item
 * done (済) or not (未), and whether publication is refused without it.
 */
export function PublicationChecklist({ items, to, id }: { items: readonly ChecklistItem[]; to: 'rfi' | 'open'; id: string }) {
  const blocked = items.some((i) => i.blocking && !i.done);
  return (
    <div class="checklist" aria-labelledby={id}>
      <h3 id={id}>{to === 'rfi' ? '情報提供依頼（RFI）として公表する前の確認' : '公告（受付開始）する前の確認'}</h3>
      <ul>
        {items.map((item) => (
          <li class={item.done ? 'check-done' : item.blocking ? 'check-blocking' : 'check-todo'}>
            <span class="check-mark">{item.done ? '済' : '未'}</span> {item.label}
            {item.done ? null : (
              <>
                {' — '}
                {item.problem}
                {item.blocking ? <strong>（これがないと公表できません）</strong> : null}
              </>
            )}
          </li>
        ))}
      </ul>
      {blocked ? <p class="muted">「これがないと公表できません」の項目をそろえてから公表してください。</p> : null}
    </div>
  );
}

/** The confirmation a publication asks for: a tick box, required, that says it cannot be undone. */
export function PublishConfirm() {
  return (
    <label class="checkbox">
      <input type="checkbox" name="confirmed" value="1" required />
      公表します（取り消せません）
    </label>
  );
}

/** The link back to the case's own page, at the top of each of its sub-pages. */
export function BackToCase({ row }: { row: { id: string; title: string } }) {
  return (
    <p>
      <a href={`/cases/${row.id}`}>案件「{row.title}」へ戻る</a>
    </p>
  );
}

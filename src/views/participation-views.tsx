import type { CaseOption } from '../../schema/index.ts';
import { memberKindLabels } from '../domain/apportionment.ts';
import type { MemberKind } from '../domain/apportionment.ts';
import { kindOf, optionKindLabels } from '../domain/options.ts';
import { yen } from './format.ts';

/** What an option costs, as its column heading says it: per body for a yes/no option, per unit for a quantity. */
export function optionPriceText(o: CaseOption): string {
  if (!o.price) return '料金なし';
  return kindOf(o) === 'yesno' ? `${yen(o.price)}／団体` : `${yen(o.price)}／1単位`;
}

/**
 * The one control an option takes: a tick box for a yes/no option, a count for a quantity (blank or 0:
 * not taken). `value` is what to show: 'on'/'' for a tick box, the count as typed for a quantity.
 */
export function OptionControl({ option, name, value, label, invalid }: { option: CaseOption; name: string; value: string; label: string; invalid?: boolean }) {
  return kindOf(option) === 'yesno' ? (
    <input type="checkbox" name={name} checked={value === 'on'} aria-label={label} />
  ) : (
    <input type="text" class="qty" name={name} inputmode="numeric" value={value} aria-label={label} aria-invalid={invalid ? 'true' : undefined} placeholder="0" />
  );
}

/** A form's fields carried through a confirmation page unchanged, so that confirming posts what was typed. */
export function CarriedFields({ fields }: { fields: [string, string][] }) {
  return (
    <>
      {fields.map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

/** The confirmation a withdrawal that erases options asks for: who leaves, what is erased; confirm or go back. */
export function WithdrawalConfirm({ action, leaving, fields, back }: { action: string; leaving: { name: string; options: string[] }[]; fields: [string, string][]; back: string }) {
  return (
    <section class="card narrow confirm" aria-labelledby="withdraw-heading">
      <h1 id="withdraw-heading">参加の取りやめの確認</h1>
      <div id="withdraw-what">
        <p>次の団体の参加を取りやめます。選んでいたオプションは消去され、元に戻すには選び直す必要があります。</p>
        <ul>
          {leaving.map((l) => (
            <li>
              <strong>{l.name}</strong>（消去されるオプション: {l.options.join('、')}）
            </li>
          ))}
        </ul>
      </div>
      <form method="post" action={action}>
        <CarriedFields fields={fields} />
        <input type="hidden" name="confirmWithdrawal" value="1" />
        <div class="actions">
          <button class="primary danger" type="submit">
            参加を取りやめる
          </button>
          <a href={back}>戻って見直す（保存しません）</a>
        </div>
      </form>
    </section>
  );
}

export interface GridRow {
  member: { id: string; name: string; kind: MemberKind };
  /** what the row shows: participation ticked, and each option's value ('on'/'' or the count as typed) */
  participating: boolean;
  values: Record<string, string>;
  lateJoin?: boolean;
}

/** The member grid: a row per body, its participation and one control per option; one save for all. */
export function ParticipationGrid({ action, options, rows, disabled }: { action: string; options: CaseOption[]; rows: GridRow[]; disabled: boolean }) {
  return (
    <form method="post" action={action} class="card">
      <p class="muted" id="grid-help">
        参加する団体の「参加」に印を付け、オプションを選んでから「まとめて保存」を押します。利用の有無のオプションは印を付けた団体だけに、数量のオプションは数量を入れた団体だけに料金がかかります（0 または空欄は利用しない）。
      </p>
      <div class="table-wrap">
        <table class="grid" aria-describedby="grid-help">
          <caption>参加団体の一括入力（{rows.length}団体）</caption>
          <thead>
            <tr>
              <th scope="col">団体名</th>
              <th scope="col">参加</th>
              {options.map((o) => (
                <th scope="col">
                  {o.name}
                  <span class="col-note">
                    {optionKindLabels[kindOf(o)]}・{optionPriceText(o)}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <th scope="row">
                  <input type="hidden" name="m" value={r.member.id} />
                  {r.member.name}
                  <span class="col-note">{memberKindLabels[r.member.kind]}</span>
                </th>
                <td class="mark">
                  <input type="checkbox" name={`p_${r.member.id}`} checked={r.participating} aria-label={`${r.member.name}が参加する`} />
                </td>
                {options.map((o) => (
                  <td class="mark">
                    <OptionControl option={o} name={`o_${r.member.id}_${o.code}`} value={r.values[o.code] ?? ''} label={`${r.member.name}の${o.name}${kindOf(o) === 'yesno' ? 'を利用する' : 'の数量'}`} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted">「参加」に印のない団体にはオプションを申し込めません。参加を取りやめる団体は、保存の前に確認します。</p>
      <button class="primary" type="submit" disabled={disabled}>
        まとめて保存
      </button>
    </form>
  );
}

import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { users } from '../../../schema/index.ts';
import { requireConsortiumRole } from '../../auth/session.ts';
import type { AppEnv, Ctx, SessionUser } from '../../context.ts';
import { dbOf } from '../../context.ts';
import { type VendorRow, findVendor, listVendors } from '../../db/tenancy.ts';
import { type QualificationDecision, decideQualification, qualificationLabels, qualificationOrder } from '../../domain/qualification.ts';
import { AppError, notFound } from '../../errors.ts';
import { parseWith } from '../../http/json.ts';
import { type QualifiedListOutcome, decideVendorQualification, importQualifiedList, qualificationInput, updateVendorDetails, vendorDetailsInput } from '../../services/qualification.ts';
import { dateTime } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { CsvImportForm, ImportErrors } from '../../views/csv-import.tsx';
import { ErrorBox, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, countsFrom, field, formError, formPost, isFormError, readForm, uploadedFile, withCounts } from './form.ts';

const done: Record<string, string> = {
  approved: '入札参加資格を承認しました。この事業者は提案書の提出と入札ができます。',
  rejected: '入札参加資格を不承認にしました。事業者の画面に理由が表示されます。',
  details: '所在地・代表者を保存しました。これから発行する通知書の宛先に使われます。',
};

interface PageState {
  error?: string | undefined;
  /** the row whose form was refused, with the reason as typed */
  typed?: { vendorId: string; reason: string };
  /** the row whose address form was refused, with what was typed */
  typedDetails?: { vendorId: string; address: string; representative: string };
  outcome?: QualifiedListOutcome;
}

/** The address and name each vendor registered with (its first vendor account). */
async function registrants(c: Ctx, consortiumId: string) {
  const rows = await dbOf(c)
    .select({ vendorId: users.vendorId, name: users.name, email: users.email, createdAt: users.createdAt })
    .from(users)
    .where(and(eq(users.consortiumId, consortiumId), eq(users.role, 'vendor')));
  const first = new Map<string, { name: string; email: string }>();
  for (const r of rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) if (r.vendorId && !first.has(r.vendorId)) first.set(r.vendorId, r);
  return first;
}

function DecisionForm({ vendor, typed }: { vendor: VendorRow; typed?: string | undefined }) {
  const id = `reason-${vendor.id}`;
  return (
    <form method="post" action={`/vendors/${vendor.id}/qualification`} class="decision">
      <label for={id} class="sr-only">
        「{vendor.name}」の理由（不承認のときは必須）
      </label>
      <input id={id} name="reason" type="text" maxlength={2000} placeholder="理由（不承認は必須）" value={typed ?? ''} />
      <div class="actions">
        {vendor.qualification !== 'approved' ? (
          <button class="primary" type="submit" name="status" value="approved">
            承認
          </button>
        ) : null}
        <button class="secondary" type="submit" name="status" value="rejected">
          不承認
        </button>
      </div>
    </form>
  );
}

/** 所在地 and 代表者の役職・氏名, as a notice is addressed: shown, and changed in a form that opens under them. */
function AddressCell({ vendor, typed }: { vendor: VendorRow; typed?: { address: string; representative: string } | undefined }) {
  const addressId = `address-${vendor.id}`;
  const representativeId = `representative-${vendor.id}`;
  return (
    <>
      <div>{vendor.address ?? '—'}</div>
      <div>{vendor.representative ?? '—'}</div>
      <details open={typed !== undefined}>
        <summary>編集</summary>
        <form method="post" action={`/vendors/${vendor.id}/details`}>
          <label for={addressId}>所在地</label>
          <input id={addressId} name="address" type="text" maxlength={200} value={typed?.address ?? vendor.address ?? ''} />
          <label for={representativeId}>代表者の役職・氏名</label>
          <input id={representativeId} name="representative" type="text" maxlength={100} placeholder="代表取締役 山田 太郎" value={typed?.representative ?? vendor.representative ?? ''} />
          <button class="secondary" type="submit">
            保存
          </button>
        </form>
      </details>
    </>
  );
}

function ImportOutcome({ outcome }: { outcome: QualifiedListOutcome | undefined }) {
  if (!outcome) return null;
  if (outcome.errors.length === 0) {
    return <SuccessBox message={`名簿を取り込みました（新規登録 ${outcome.created} 社、承認 ${outcome.approved} 社、承認済みのまま ${outcome.unchanged} 社）。`} />;
  }
  return <ImportErrors errors={outcome.errors} />;
}

async function vendorsPage(c: Ctx, state: PageState = {}, status?: ContentfulStatusCode) {
  const user = requireConsortiumRole(c, 'secretariat');
  const rows = (await listVendors(dbOf(c), user.consortiumId)).sort(qualificationOrder);
  const people = await registrants(c, user.consortiumId);
  const pending = rows.filter((v) => v.qualification === 'pending').length;
  const failed = Boolean(state.error) || (state.outcome !== undefined && state.outcome.errors.length > 0);
  return renderPage(
    c,
    <Layout title="事業者（入札参加資格）" user={user}>
      <h1>事業者と入札参加資格</h1>
      <p>
        自ら登録した事業者は「審査中」です。入札参加資格を確認して承認すると、提案書の提出と入札ができるようになります（情報提供依頼への回答は審査中でもできます）。
        事務局が登録した事業者と、名簿の取り込みで登録した事業者は承認済みです。
      </p>
      <SuccessBox message={done[c.req.query('done') ?? '']} />
      <ErrorBox message={state.error} />
      <ImportOutcome outcome={state.outcome} />
      <div class="table-wrap">
        <table>
          <caption>
            事業者（{rows.length}社、審査待ち {pending}社）
          </caption>
          <thead>
            <tr>
              <th scope="col">入札参加資格</th>
              <th scope="col">商号または名称</th>
              <th scope="col">法人番号</th>
              <th scope="col">所在地・代表者（通知書の宛先）</th>
              <th scope="col">登録者</th>
              <th scope="col">登録日時</th>
              <th scope="col">決定（日時・理由）</th>
              <th scope="col">承認・不承認</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((v) => {
              const person = people.get(v.id);
              return (
                <tr>
                  <td>
                    <span class={`badge qual-${v.qualification}`}>{qualificationLabels[v.qualification]}</span>
                  </td>
                  <th scope="row">{v.name}</th>
                  <td>{v.corporateNumber ?? '—'}</td>
                  <td class="vendor-address">
                    <AddressCell vendor={v} typed={state.typedDetails?.vendorId === v.id ? state.typedDetails : undefined} />
                  </td>
                  <td>{person ? `${person.name}（${person.email}）` : '—'}</td>
                  <td>{dateTime(v.createdAt)}</td>
                  <td>
                    {v.qualifiedAt ? dateTime(v.qualifiedAt) : '—'}
                    {v.qualificationReason ? <div class="prewrap">{v.qualificationReason}</div> : null}
                  </td>
                  <td>
                    <DecisionForm vendor={v} typed={state.typed?.vendorId === v.id ? state.typed.reason : undefined} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <CsvImportForm action="/vendors/import" heading="入札参加資格者名簿（CSV）を取り込む">
        1行目は見出しで、<code>商号,法人番号</code>（英語の見出し <code>name,corporate_number</code> も可。ほかの列は読み飛ばします）。
        法人番号が登録済みの事業者は承認し（商号などは変えません）、未登録の法人番号は承認済みの事業者として登録します。
      </CsvImportForm>
    </Layout>,
    status ?? (failed ? 400 : 200),
  );
}

function ConfirmDecision({ user, vendor, decision }: { user: SessionUser; vendor: VendorRow; decision: QualificationDecision }) {
  const approve = decision.status === 'approved';
  return (
    <Layout title="入札参加資格の決定の確認" user={user}>
      <div class="card narrow">
        <h1>入札参加資格の決定の確認</h1>
        <p>
          「{vendor.name}」（法人番号 {vendor.corporateNumber ?? 'なし'}）の入札参加資格を「{qualificationLabels[vendor.qualification]}」から「
          {qualificationLabels[decision.status]}」にします。
        </p>
        {decision.reason ? <p class="prewrap">理由: {decision.reason}</p> : null}
        <p class="notice">
          {approve ? '承認すると、この事業者は提案書の提出と入札ができるようになります。' : '不承認にすると、この事業者は提案書の提出と入札ができなくなり、事業者の画面に理由が表示されます。'}
          決定は監査記録に残ります。
        </p>
        <form method="post" action={`/vendors/${vendor.id}/qualification`}>
          <input type="hidden" name="status" value={decision.status} />
          <input type="hidden" name="reason" value={decision.reason ?? ''} />
          <input type="hidden" name="confirmed" value="1" />
          <div class="actions">
            <button class="primary" type="submit">
              {approve ? '承認する' : '不承認にする'}
            </button>
            <a href="/vendors">取りやめる</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}

export const vendorPages = new Hono<AppEnv>()
  .get('/vendors', (c) => {
    const imported = countsFrom(c, 'imported', ['created', 'approved', 'unchanged']);
    return vendorsPage(c, imported ? { outcome: { ...imported, errors: [] } } : undefined);
  })
  .post('/vendors/:id/qualification', async (c) => {
    const user = requireConsortiumRole(c, 'secretariat');
    const vendor = await findVendor(dbOf(c), user.consortiumId, c.req.param('id'));
    if (!vendor) throw notFound('指定された事業者が見つかりません。');
    const form = await readForm(c);
    const reason = field(form, 'reason');
    try {
      const decision = parseWith(qualificationInput, { status: field(form, 'status'), ...(reason.trim() ? { reason } : {}) });
      // a decision that would be refused is said at once, not after the confirmation
      const outcome = decideQualification(vendor, decision);
      if (!outcome.ok) throw new AppError(outcome.problem === 'reason_required' ? 'validation_error' : 'conflict', outcome.message);
      if (field(form, 'confirmed') !== '1') return renderPage(c, <ConfirmDecision user={user} vendor={vendor} decision={decision} />);
      await decideVendorQualification(c, vendor.id, decision);
      return c.redirect(`/vendors?done=${decision.status}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return vendorsPage(c, { error: `「${vendor.name}」: ${formError(err)}`, typed: { vendorId: vendor.id, reason } }, err.status);
    }
  })
  .post('/vendors/:id/details', async (c) => {
    const user = requireConsortiumRole(c, 'secretariat');
    const vendor = await findVendor(dbOf(c), user.consortiumId, c.req.param('id'));
    if (!vendor) throw notFound('指定された事業者が見つかりません。');
    const typed = (form: Form) => ({ address: field(form, 'address'), representative: field(form, 'representative') });
    return formPost(
      c,
      async (form) => {
        await updateVendorDetails(c, user.consortiumId, vendor.id, parseWith(vendorDetailsInput, typed(form)));
        return '/vendors?done=details';
      },
      (error, form) => vendorsPage(c, { error: `「${vendor.name}」: ${error}`, typedDetails: { vendorId: vendor.id, ...typed(form) } }, 400),
    );
  })
  .post('/vendors/import', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const form = await readForm(c);
    const bytes = await uploadedFile(form, 'file');
    if (!bytes) return vendorsPage(c, { error: 'CSVファイルを選んでください。' });
    try {
      const outcome = await importQualifiedList(c, bytes);
      if (outcome.errors.length > 0) return vendorsPage(c, { outcome });
      // a taken list answers with a redirect, so reloading the page does not send the file again
      return c.redirect(withCounts('/vendors', 'imported', { created: outcome.created, approved: outcome.approved, unchanged: outcome.unchanged }), 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return vendorsPage(c, { error: formError(err) }, err.status);
    }
  });

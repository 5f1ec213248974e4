import { asc } from 'drizzle-orm';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { consortia } from '../../../schema/index.ts';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf } from '../../context.ts';
import { findUserByEmail } from '../../db/tenancy.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, FieldError, type FieldErrors, invalid } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { startSession } from '../../services/auth.ts';
import { registerVendor } from '../../services/vendor-registration.ts';
import { type Form, field, fieldErrors, formError, isFormError, readForm } from './form.ts';

async function registerPage(c: Ctx, error?: string, form?: Form, status: ContentfulStatusCode = 400, fields?: FieldErrors) {
  const list = await dbOf(c).select().from(consortia).orderBy(asc(consortia.name));
  const v = (name: string) => (form ? field(form, name) : '');
  return renderPage(
    c,
    <Layout title="事業者の登録" user={c.get('user')}>
      <div class="card narrow">
        <h1>事業者の登録</h1>
        <p>
          協議会の調達に参加する事業者の方は、ここで登録してください。登録後すぐに、公開中の案件の情報提供依頼（RFI）に回答できます。
          提案書の提出と入札は、事務局が入札参加資格を確認して承認した後にできます。
        </p>
        <ErrorBox message={error} />
        <form method="post" action="/register">
          <label for="consortiumId">協議会</label>
          <select id="consortiumId" name="consortiumId" required {...invalid(fields, 'consortiumId', 'consortiumId')}>
            {list.map((row) => (
              <option value={row.id} selected={v('consortiumId') === row.id}>
                {row.name}
              </option>
            ))}
          </select>
          <FieldError fields={fields} path="consortiumId" id="consortiumId" />
          <label for="companyName">商号または名称</label>
          <input id="companyName" name="companyName" type="text" required autocomplete="organization" value={v('companyName')} {...invalid(fields, 'companyName', 'companyName')} />
          <FieldError fields={fields} path="companyName" id="companyName" />
          <label for="corporateNumber">法人番号（13桁・任意）</label>
          <input id="corporateNumber" name="corporateNumber" type="text" inputmode="numeric" value={v('corporateNumber')} {...invalid(fields, 'corporateNumber', 'corporateNumber')} />
          <FieldError fields={fields} path="corporateNumber" id="corporateNumber" />
          <label for="address">所在地（任意・通知書の宛先になります）</label>
          <input id="address" name="address" type="text" maxlength={200} autocomplete="street-address" value={v('address')} {...invalid(fields, 'address', 'address')} />
          <FieldError fields={fields} path="address" id="address" />
          <label for="representative">代表者の役職・氏名（任意・例: 代表取締役 山田 太郎）</label>
          <input id="representative" name="representative" type="text" maxlength={100} value={v('representative')} {...invalid(fields, 'representative', 'representative')} />
          <FieldError fields={fields} path="representative" id="representative" />
          <label for="name">担当者名</label>
          <input id="name" name="name" type="text" required autocomplete="name" value={v('name')} {...invalid(fields, 'name', 'name')} />
          <FieldError fields={fields} path="name" id="name" />
          <label for="email">メールアドレス</label>
          <input id="email" name="email" type="email" required autocomplete="email" value={v('email')} {...invalid(fields, 'email', 'email')} />
          <FieldError fields={fields} path="email" id="email" />
          <label for="password">パスワード（10文字以上）</label>
          <input id="password" name="password" type="password" required minlength={10} autocomplete="new-password" {...invalid(fields, 'password', 'password')} />
          <FieldError fields={fields} path="password" id="password" />
          <button class="primary" type="submit">
            登録する
          </button>
        </form>
      </div>
    </Layout>,
    error ? status : 200,
  );
}

export const registerPages = new Hono<AppEnv>()
  .get('/register', (c) => registerPage(c))
  .post('/register', async (c) => {
    const form = await readForm(c);
    try {
      const { user } = await registerVendor(c, {
        consortiumId: field(form, 'consortiumId'),
        companyName: field(form, 'companyName'),
        corporateNumber: field(form, 'corporateNumber').trim() || undefined,
        address: field(form, 'address'),
        representative: field(form, 'representative'),
        email: field(form, 'email'),
        name: field(form, 'name'),
        password: field(form, 'password'),
      });
      const row = await findUserByEmail(dbOf(c), user.email);
      await startSession(c, row!);
      return c.redirect('/cases', 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return registerPage(c, formError(err), form, err.status, fieldErrors(err));
    }
  });

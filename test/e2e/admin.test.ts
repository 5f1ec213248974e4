import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, createTenant } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, loginAs, startBrowserWorld } from './browser.ts';

describe.runIf(hasChromium)('the secretariat administers accounts and the audit trail in the browser', () => {
  let world: BrowserWorld;

  beforeAll(async () => {
    world = await startBrowserWorld();
    await createTenant(world.h, 'e2ea');
  }, 60_000);
  afterAll(() => world?.close());

  it('creates an account that signs in, disables it, resets its password, then filters and verifies the trail', async () => {
    const { browser, base } = world;
    const sec = await browser.newPage();
    await loginAs(sec, base, 'sec-e2ea@test.example', PASSWORD);
    await sec.locator('summary', { hasText: '管理' }).click();
    await sec.getByRole('link', { name: '利用者' }).click();
    await sec.waitForURL(/\/users$/);

    await sec.getByLabel('名前（必須）').fill('評価 三郎');
    await sec.getByLabel('メールアドレス（必須）').fill('saburo@e2ea.example');
    await sec.getByRole('radio', { name: /評価委員/ }).check();
    const temporary = await sec.getByLabel(/仮パスワード/).inputValue();
    expect(temporary).toHaveLength(14);
    await sec.getByRole('button', { name: '登録する' }).click();
    await sec.waitForURL(/\/users\/[^/]+\?done=created/);
    expect(await sec.getByRole('status').textContent()).toContain('利用者を登録しました');
    const accountUrl = sec.url().replace(/\?.*$/, '');

    // the new account signs in with the temporary password
    const user = await browser.newContext().then((ctx) => ctx.newPage());
    await loginAs(user, base, 'saburo@e2ea.example', temporary);
    expect(await user.locator('header .who').textContent()).toContain('評価 三郎');

    // disabling asks for confirmation first; then the account is signed out and refused
    await sec.goto(accountUrl);
    await sec.getByRole('button', { name: '無効にする' }).click();
    expect(sec.url()).toBe(accountUrl); // the required box stops the form in the browser
    await sec.getByLabel(/を無効にし、ログイン中のセッションを終了することを確認しました/).check();
    await sec.getByRole('button', { name: '無効にする' }).click();
    await sec.waitForURL(/done=disabled/);
    expect(await sec.getByText('このアカウントは無効です').isVisible()).toBe(true);
    await user.goto(`${base}/cases`);
    await user.waitForURL(/\/login/);
    await user.getByLabel('メールアドレス').fill('saburo@e2ea.example');
    await user.getByLabel('パスワード').fill(temporary);
    await user.getByRole('button', { name: 'ログイン' }).click();
    expect(await user.getByRole('alert').textContent()).toContain('メールアドレスまたはパスワードが正しくありません');

    // enabled again and given a new password: the old one is refused, the new one works
    await sec.getByRole('button', { name: '有効に戻す' }).click();
    await sec.waitForURL(/done=enabled/);
    const fresh = await sec.getByLabel('新しい仮パスワード（10文字以上）').inputValue();
    await sec.getByLabel(/この仮パスワードを控え、本人に伝えることを確認しました/).check();
    await sec.getByRole('button', { name: 'パスワードを再設定する' }).click();
    await sec.waitForURL(/done=reset/);
    expect(await sec.getByRole('status').textContent()).toContain('パスワードを再設定しました');
    await user.goto(`${base}/login`);
    await user.getByLabel('メールアドレス').fill('saburo@e2ea.example');
    await user.getByLabel('パスワード').fill(temporary);
    await user.getByRole('button', { name: 'ログイン' }).click();
    expect(await user.getByRole('alert').textContent()).toContain('正しくありません');
    await loginAs(user, base, 'saburo@e2ea.example', fresh);

    // the trail, filtered to password resets, names the reset; the chain verifies
    await sec.locator('summary', { hasText: '管理' }).click();
    await sec.getByRole('link', { name: '監査ログ' }).click();
    await sec.getByLabel('操作', { exact: true }).selectOption({ label: 'パスワードの再設定' });
    await sec.getByRole('button', { name: '絞り込む' }).click();
    await sec.waitForURL(/action=user\.password_reset/);
    expect(await sec.locator('table.audit-trail caption').textContent()).toContain('1件中');
    expect(await sec.locator('table.audit-trail tbody').textContent()).toContain('パスワードの再設定');
    await sec.getByRole('button', { name: '検証する' }).click();
    await sec.waitForURL(/verify=1/);
    expect(await sec.locator('#verify-result').textContent()).toContain('改ざんは見つかりませんでした');
    // the filter survives the verification
    expect(await sec.locator('table.audit-trail caption').textContent()).toContain('1件中');
  }, 120_000);
});

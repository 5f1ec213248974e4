import { describe, expect, it } from 'vitest';
import { decideQualification, qualificationOrder, qualificationRefusal } from '../../src/domain/qualification.ts';

const pending = { qualification: 'pending' as const, qualificationReason: null };
const approved = { qualification: 'approved' as const, qualificationReason: null };
const rejected = { qualification: 'rejected' as const, qualificationReason: '法人番号が確認できません' };

describe('qualificationRefusal', () => {
  it('lets an approved vendor through and tells the others why not, in Japanese', () => {
    expect(qualificationRefusal(approved)).toBeNull();
    expect(qualificationRefusal(pending)).toContain('審査中');
    expect(qualificationRefusal(rejected)).toContain('不承認: 法人番号が確認できません');
    expect(qualificationRefusal({ qualification: 'rejected', qualificationReason: null })).toContain('不承認');
  });
});

describe('decideQualification', () => {
  it('approves a pending or rejected vendor, clearing the reason when none is given', () => {
    expect(decideQualification(pending, { status: 'approved' })).toEqual({ ok: true, status: 'approved', reason: null });
    expect(decideQualification(rejected, { status: 'approved', reason: ' 書類を確認 ' })).toEqual({ ok: true, status: 'approved', reason: '書類を確認' });
  });

  it('needs a reason to reject, blank counting as none', () => {
    expect(decideQualification(pending, { status: 'rejected' })).toMatchObject({ ok: false, problem: 'reason_required' });
    expect(decideQualification(approved, { status: 'rejected', reason: ' \u3000 ' })).toMatchObject({ ok: false, problem: 'reason_required' });
    expect(decideQualification(approved, { status: 'rejected', reason: '資格の取消し' })).toEqual({ ok: true, status: 'rejected', reason: '資格の取消し' });
  });

  it('refuses a decision that changes nothing, but takes a new reason for a rejection', () => {
    expect(decideQualification(approved, { status: 'approved' })).toMatchObject({ ok: false, problem: 'unchanged' });
    expect(decideQualification(rejected, { status: 'rejected', reason: '法人番号が確認できません' })).toMatchObject({ ok: false, problem: 'unchanged' });
    expect(decideQualification(rejected, { status: 'rejected', reason: '所在地が確認できません' })).toMatchObject({ ok: true, reason: '所在地が確認できません' });
  });
});

describe('qualificationOrder', () => {
  it('puts the vendors waiting for a decision first, the longest-waiting first, then the rejected and the approved by name', () => {
    const at = (day: number) => new Date(`2026-04-0${day}T09:00:00Z`);
    const list = [
      { name: 'あいう商事', ...approved, createdAt: at(1) },
      { name: 'かきく工業', ...pending, createdAt: at(3) },
      { name: 'さしす電機', ...rejected, createdAt: at(1) },
      { name: 'たちつ開発', ...pending, createdAt: at(2) },
      { name: 'ア情報', ...approved, createdAt: at(2) },
    ];
    expect(list.sort(qualificationOrder).map((v) => v.name)).toEqual(['たちつ開発', 'かきく工業', 'さしす電機', 'あいう商事', 'ア情報']);
  });
});

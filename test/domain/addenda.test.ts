import { describe, expect, it } from 'vitest';
import {
  type BiddingTerms,
  type CaseTerms,
  type CriteriaTerms,
  announcesChanges,
  biddingChanges,
  caseChanges,
  criteriaChanges,
  rfiChanges,
  specChanges,
} from '../../src/domain/addenda.ts';

const at = (iso: string) => new Date(iso);

const baseCase: CaseTerms = {
  title: '住民記録システム',
  description: '共同利用',
  contractMode: 'bulk',
  fiscalYear: 2026,
  rfiDeadline: null,
  questionDeadline: at('2026-06-10T17:00:00.000+09:00'),
  submissionDeadline: at('2026-06-30T17:00:00.000+09:00'),
  options: [
    { code: 'forms', name: '帳票出力', price: 100_000 },
    { code: 'api', name: '外部連携' },
  ],
};

describe('announcesChanges', () => {
  it('announces changes of a published case, not of a draft or a cancelled one', () => {
    const published = at('2026-05-01T09:00:00.000+09:00');
    expect(announcesChanges({ publishedAt: published, state: 'open' })).toBe(true);
    expect(announcesChanges({ publishedAt: published, state: 'rfi' })).toBe(true);
    expect(announcesChanges({ publishedAt: null, state: 'draft' })).toBe(false);
    expect(announcesChanges({ publishedAt: published, state: 'cancelled' })).toBe(false);
  });
});

describe('caseChanges', () => {
  it('describes nothing when nothing changed', () => {
    expect(caseChanges(baseCase, { ...baseCase, options: baseCase.options.map((o) => ({ ...o })) })).toEqual([]);
  });

  it('writes a moved deadline in Japanese, with the era, the weekday and the time, before and after', () => {
    const changes = caseChanges(baseCase, { ...baseCase, submissionDeadline: at('2026-07-10T17:00:00.000+09:00') });
    expect(changes).toEqual([{ field: 'submissionDeadline', label: '提案書の提出期限', before: '令和8年6月30日(火) 17:00', after: '令和8年7月10日(金) 17:00' }]);
  });

  it('names a deadline set for the first time or removed as none on that side', () => {
    const changes = caseChanges(baseCase, { ...baseCase, rfiDeadline: at('2026-05-20T12:00:00.000+09:00'), questionDeadline: null });
    expect(changes).toEqual([
      { field: 'rfiDeadline', label: 'RFI回答期限', before: null, after: '令和8年5月20日(水) 12:00' },
      { field: 'questionDeadline', label: '質問受付期限', before: '令和8年6月10日(水) 17:00', after: null },
    ]);
  });

  it('tells the title and summary changes, and treats a blank summary as none', () => {
    expect(caseChanges(baseCase, { ...baseCase, title: '住民記録システム共同調達', description: '  ' })).toEqual([
      { field: 'title', label: '件名', before: '住民記録システム', after: '住民記録システム共同調達' },
      { field: 'description', label: '概要', before: '共同利用', after: null },
    ]);
  });

  it('tells options added, removed, renamed and repriced, by code', () => {
    const changes = caseChanges(baseCase, {
      ...baseCase,
      options: [
        { code: 'forms', name: '帳票出力', price: 120_000 },
        { code: 'api', name: '外部システム連携' },
        { code: 'ocr', name: 'OCR', price: null },
      ],
    });
    expect(changes).toEqual([
      { field: 'option:forms', label: 'オプション『帳票出力』', before: '帳票出力（単価 100,000円・税抜）', after: '帳票出力（単価 120,000円・税抜）' },
      { field: 'option:api', label: 'オプション『外部連携』', before: '外部連携', after: '外部システム連携' },
      { field: 'option:ocr', label: 'オプション『OCR』', before: null, after: 'OCR' },
    ]);
    expect(caseChanges(baseCase, { ...baseCase, options: [baseCase.options[1]!] })).toEqual([
      { field: 'option:forms', label: 'オプション『帳票出力』', before: '帳票出力（単価 100,000円・税抜）', after: '削除' },
    ]);
  });
});

describe('specChanges', () => {
  const v1 = {
    version: 1,
    sections: [
      { heading: '1. 概要', body: '住民記録' },
      { heading: '2. 機能要件', body: '検索' },
    ],
    requirements: [
      { code: 'R-1', text: '住民を検索できること', level: 'must' as const },
      { code: 'R-2', text: '帳票を出力できること', level: 'want' as const },
    ],
  };

  it('names the versions and each chapter and requirement added, removed or changed', () => {
    const v2 = {
      version: 2,
      sections: [
        { heading: '1. 概要', body: '住民記録' },
        { heading: '2. 機能要件', body: '検索と照会' },
        { heading: '3. 非機能要件', body: '可用性' },
      ],
      requirements: [
        { code: 'R-1', text: '住民を検索できること', level: 'must' as const },
        { code: 'R-2', text: '帳票を出力できること', level: 'must' as const },
        { code: 'R-3', text: '24時間稼働すること', level: 'must' as const },
      ],
    };
    expect(specChanges(v1, v2)).toEqual([
      { field: 'spec', label: '仕様書', before: '第1版', after: '第2版' },
      { field: 'section:2. 機能要件', label: '仕様書の章『2. 機能要件』', before: '変更前の記載', after: '記載を変更（第2版）' },
      { field: 'section:3. 非機能要件', label: '仕様書の章『3. 非機能要件』', before: null, after: '追加' },
      { field: 'requirement:R-2', label: '要件 R-2', before: '［任意］帳票を出力できること', after: '［必須］帳票を出力できること' },
      { field: 'requirement:R-3', label: '要件 R-3', before: null, after: '［必須］24時間稼働すること' },
    ]);
  });

  it('tells a removed chapter and requirement', () => {
    const v2 = { version: 2, sections: [v1.sections[0]!], requirements: [v1.requirements[0]!] };
    expect(specChanges(v1, v2)).toEqual([
      { field: 'spec', label: '仕様書', before: '第1版', after: '第2版' },
      { field: 'section:2. 機能要件', label: '仕様書の章『2. 機能要件』', before: 'あり', after: '削除' },
      { field: 'requirement:R-2', label: '要件 R-2', before: '［任意］帳票を出力できること', after: '削除' },
    ]);
  });

  it('describes nothing when a new version says the same, and a first spec as its version alone', () => {
    expect(specChanges(v1, { ...v1, version: 2 })).toEqual([]);
    expect(specChanges(null, v1)).toEqual([{ field: 'spec', label: '仕様書', before: null, after: '第1版' }]);
  });
});

describe('rfiChanges', () => {
  const rfi = { deadline: at('2026-05-20T17:00:00.000+09:00'), questions: [{ code: 'q1', text: '導入実績', kind: 'text' as const }] };
  it('tells the deadline and the questions changed, and nothing when the same', () => {
    expect(rfiChanges(rfi, { ...rfi })).toEqual([]);
    expect(
      rfiChanges(rfi, {
        deadline: at('2026-05-27T17:00:00.000+09:00'),
        questions: [
          { code: 'q1', text: '導入実績', kind: 'text' },
          { code: 'q2', text: '提供形態', kind: 'choice', choices: ['LGWAN', 'オンプレミス'] },
        ],
      }),
    ).toEqual([
      { field: 'rfi.deadline', label: '情報提供依頼（RFI）の回答期限', before: '令和8年5月20日(水) 17:00', after: '令和8年5月27日(水) 17:00' },
      { field: 'rfi.question:q2', label: 'RFIの質問 q2', before: null, after: '提供形態（選択：LGWAN／オンプレミス）' },
    ]);
  });
  it('announces a first RFI by its deadline and the number of its questions', () => {
    expect(rfiChanges(null, rfi)).toEqual([
      { field: 'rfi.deadline', label: '情報提供依頼（RFI）の回答期限', before: null, after: '令和8年5月20日(水) 17:00' },
      { field: 'rfi.questions', label: '情報提供依頼（RFI）の質問', before: null, after: '1問' },
    ]);
  });
});

describe('criteriaChanges', () => {
  const rules: CriteriaTerms = {
    criteria: [
      { code: 'tech', name: '技術提案', maxPoints: 60, mode: 'points' },
      { code: 'price', name: '価格', maxPoints: 40, mode: 'price' },
    ],
    aggregation: 'average',
    passRatio: 0.6,
    grades: { A: 1, B: 0.75, C: 0.5, D: 0.25, E: 0 },
  };
  it('tells names, weights and rules changed, and nothing when the same', () => {
    expect(criteriaChanges(rules, { ...rules, grades: { ...rules.grades } })).toEqual([]);
    const changes = criteriaChanges(rules, {
      ...rules,
      criteria: [
        { code: 'tech', name: '技術提案', maxPoints: 70, mode: 'points' },
        { code: 'price', name: '価格', maxPoints: 30, mode: 'price' },
      ],
      passRatio: 0.5,
    });
    expect(changes).toEqual([
      { field: 'criterion:tech', label: '評価項目『技術提案』', before: '技術提案（点数・配点 60点）', after: '技術提案（点数・配点 70点）' },
      { field: 'criterion:price', label: '評価項目『価格』', before: '価格（価格点・配点 40点）', after: '価格（価格点・配点 30点）' },
      { field: 'passRatio', label: '最低基準点（技術点の満点に対する割合）', before: '60%', after: '50%' },
    ]);
  });
});

describe('biddingChanges', () => {
  const terms: BiddingTerms = {
    ceilingPrice: 10_000_000,
    ceilingPublic: false,
    maxRounds: 3,
    lotSystemValue: 'receipt_ms',
    taxRate: 0.1,
    comprehensive: null,
    rounds: [{ round: 1, deadlineAt: at('2026-06-09T17:00:00.000+09:00'), openingAt: at('2026-06-10T10:00:00.000+09:00') }],
  };

  it('describes nothing when the same settings are saved again', () => {
    expect(biddingChanges(terms, { ...terms, rounds: terms.rounds.map((r) => ({ ...r })) })).toEqual([]);
  });

  it('tells a change of a closed ceiling without either amount', () => {
    const changes = biddingChanges(terms, { ...terms, ceilingPrice: 12_345_678 });
    expect(changes).toEqual([{ field: 'ceilingPrice', label: '予定価格（非公表）', before: '（非公表）', after: '変更あり（金額は非公表）' }]);
    expect(JSON.stringify(changes)).not.toMatch(/10,?000,?000|12,?345,?678/);
  });

  it('hides the amounts when a published ceiling is closed, and shows only the new one when a closed one is published', () => {
    const open = { ...terms, ceilingPublic: true };
    const closing = biddingChanges(open, { ...terms, ceilingPrice: 9_000_000 });
    expect(JSON.stringify(closing)).not.toMatch(/9,?000,?000/);
    expect(closing).toContainEqual({ field: 'ceilingPublic', label: '予定価格の公表', before: '事前公表', after: '事後公表' });
    const opening = biddingChanges(terms, { ...open, ceilingPrice: 9_000_000 });
    expect(opening).toContainEqual({ field: 'ceilingPrice', label: '予定価格', before: '（非公表）', after: '9,000,000円（税抜）' });
    expect(JSON.stringify(opening)).not.toMatch(/10,?000,?000/);
    expect(biddingChanges(open, { ...open, ceilingPrice: 9_500_000 })).toEqual([{ field: 'ceilingPrice', label: '予定価格', before: '10,000,000円（税抜）', after: '9,500,000円（税抜）' }]);
  });

  it('never names the floor or the investigation price, which are not even part of the terms compared', () => {
    const withSecrets = { ...terms, floorPrice: 8_000_000, investigationPrice: 8_500_000 } as BiddingTerms;
    const changes = biddingChanges(null, withSecrets);
    expect(JSON.stringify(changes)).not.toMatch(/8,?000,?000|8,?500,?000|10,?000,?000|最低制限|調査基準/);
  });

  it('tells moved times per round and the rules of rounds, lots, tax and 総合評価', () => {
    const changes = biddingChanges(terms, {
      ...terms,
      maxRounds: 2,
      lotSystemValue: 'random',
      taxRate: 0.08,
      comprehensive: { mode: 'additive', pricePoints: 30 },
      rounds: [{ round: 1, deadlineAt: at('2026-06-16T17:00:00.000+09:00'), openingAt: at('2026-06-10T10:00:00.000+09:00') }, { round: 2, deadlineAt: at('2026-06-20T17:00:00.000+09:00'), openingAt: at('2026-06-21T10:00:00.000+09:00') }],
    });
    expect(changes.map((c) => [c.label, c.before, c.after])).toEqual([
      ['入札締切', '令和8年6月9日(火) 17:00', '令和8年6月16日(火) 17:00'],
      ['第2回の入札締切', null, '令和8年6月20日(土) 17:00'],
      ['第2回の開札日時', null, '令和8年6月21日(日) 10:00'],
      ['入札回数の上限', '3回', '2回'],
      ['電子くじの方式', '受付時刻のミリ秒', 'システムが発生させた乱数'],
      ['消費税率', '10%', '8%'],
      ['総合評価の方式', null, '加算方式（価格点 30点）'],
    ]);
  });
});

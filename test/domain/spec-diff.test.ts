import { describe, expect, it } from 'vitest';
import { lineDiff, specDiff } from '../../src/domain/spec-diff.ts';

describe('the difference between two versions of a spec', () => {
  const v1 = {
    sections: [
      { heading: '概要', body: '議事録を作成する。\n音声を文字にする。' },
      { heading: '納期', body: '令和8年3月末' },
      { heading: '保守', body: '平日9時から17時' },
    ],
    requirements: [
      { code: 'F-01', text: '話者を識別できること', level: 'must' as const },
      { code: 'F-02', text: '要約できること', level: 'want' as const },
      { code: 'F-03', text: 'LGWANで使えること', level: 'must' as const },
    ],
  };
  const v2 = {
    sections: [
      { heading: '概要', body: '議事録を作成する。\n音声を文字にする。\n方言に対応する。' },
      { heading: '納期', body: '令和8年3月末' },
      { heading: '研修', body: '職員向けに2回' },
    ],
    requirements: [
      { code: 'F-01', text: '話者を識別できること', level: 'must' as const },
      { code: 'F-02', text: '要約できること', level: 'must' as const },
      { code: 'F-04', text: '議事録をWordで出力できること', level: 'want' as const },
    ],
  };

  it('names each chapter added, removed and rewritten, and each requirement added, removed and changed', () => {
    const diff = specDiff(v1, v2);
    expect(diff.sections.map((s) => [s.kind, s.heading])).toEqual([
      ['changed', '概要'],
      ['added', '研修'],
      ['removed', '保守'],
    ]);
    expect(diff.requirements.map((r) => [r.kind, r.code])).toEqual([
      ['changed', 'F-02'],
      ['added', 'F-04'],
      ['removed', 'F-03'],
    ]);
    expect(diff.unchanged).toEqual({ sections: 1, requirements: 1 });
  });

  it('shows a rewritten chapter line by line', () => {
    const diff = specDiff(v1, v2);
    const changed = diff.sections[0]!;
    expect(changed.kind === 'changed' ? changed.lines : []).toEqual([
      { kind: 'same', text: '議事録を作成する。' },
      { kind: 'same', text: '音声を文字にする。' },
      { kind: 'added', text: '方言に対応する。' },
    ]);
  });

  it('finds nothing between a version and itself', () => {
    expect(specDiff(v1, v1)).toEqual({ sections: [], requirements: [], unchanged: { sections: 3, requirements: 3 } });
  });

  it('keeps the order of reading when lines are replaced', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'x' },
      { kind: 'same', text: 'c' },
    ]);
    expect(lineDiff('', 'new')).toEqual([
      { kind: 'removed', text: '' },
      { kind: 'added', text: 'new' },
    ]);
  });
});

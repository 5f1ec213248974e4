import { describe, expect, it } from 'vitest';
import { BarChart, labelWidth, wrapLabel } from '../src/views/bar-chart.tsx';

const render = (labels: string[]) =>
  String(BarChart({ caption: '合計点', legend: ['技術点', '価格点'], max: 100, bars: labels.map((label) => ({ label, parts: [{ value: 60, title: '技術点' }, { value: 30, title: '価格点' }] })) }));

/** Where the bars start: the x of the first bar. */
const barStart = (svg: string) => Number(/<rect x="([\d.]+)"/.exec(svg)![1]);

describe('the results bar chart', () => {
  it('makes room for the longest vendor name', () => {
    const short = render(['A社', 'B社']);
    const long = render(['株式会社くまもと情報システムズ', 'B社']);
    expect(barStart(long)).toBeGreaterThan(barStart(short));
    // the whole name fits left of the bars
    expect(barStart(long)).toBeGreaterThanOrEqual(labelWidth('株式会社くまもと情報システムズ') + 8);
    expect(long).toContain('株式会社くまもと情報システムズ');
  });

  it('wraps a name too long for one line instead of clipping it, and keeps the full name as its title', () => {
    const name = '九州地域情報処理サービス共同事業体（代表構成員 株式会社熊本電算センター）';
    const svg = render([name]);
    const lines = wrapLabel(name, 248);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe(name);
    for (const line of lines) expect(labelWidth(line)).toBeLessThanOrEqual(248);
    expect(svg).toContain(`<title>${name}</title>`);
    expect(svg.match(/<tspan /g)).toHaveLength(lines.length);
  });

  it('cuts an extremely long name after three lines with an ellipsis', () => {
    const lines = wrapLabel('あ'.repeat(200), 100);
    expect(lines).toHaveLength(3);
    expect(lines[2]!.endsWith('…')).toBe(true);
    expect(labelWidth(lines[2]!)).toBeLessThanOrEqual(100);
  });
});

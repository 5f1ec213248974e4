import { points } from './format.ts';

/** A horizontal bar chart drawn on the server as SVG: one bar per item, stacked in up to two parts. */
export interface Bar {
  label: string;
  parts: { value: number; title: string }[];
}

const ROW = 34;
const LINE = 16;
const FONT = 13;
const CHART_WIDTH = 640;
/** The label column is as wide as the longest name needs, between these; a longer name wraps. */
const MIN_LABEL_WIDTH = 90;
const MAX_LABEL_WIDTH = 260;
const MAX_LINES = 3;
const colours = ['#0b4f9c', '#7aa7d8'];

/** The width a label takes at the chart's font size: a full-width character a square, others about half. */
export function labelWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch.codePointAt(0)! > 0xff ? FONT : FONT * 0.6;
  return width;
}

/** A label broken into lines no wider than `width` (at most MAX_LINES, the last ending in … when cut). */
export function wrapLabel(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (line !== '' && labelWidth(line + ch) > width) {
      lines.push(line);
      line = '';
    }
    line += ch;
  }
  if (line !== '') lines.push(line);
  if (lines.length <= MAX_LINES) return lines;
  const kept = lines.slice(0, MAX_LINES);
  let last = kept[MAX_LINES - 1]!;
  while (last.length > 0 && labelWidth(`${last}…`) > width) last = [...last].slice(0, -1).join('');
  kept[MAX_LINES - 1] = `${last}…`;
  return kept;
}

export function BarChart({ bars, max, caption, legend }: { bars: Bar[]; max: number; caption: string; legend: string[] }) {
  const longest = Math.max(0, ...bars.map((b) => labelWidth(b.label)));
  const labelColumn = Math.ceil(Math.min(MAX_LABEL_WIDTH, Math.max(MIN_LABEL_WIDTH, longest + 12)));
  const rows = bars.map((bar) => {
    const lines = wrapLabel(bar.label, labelColumn - 12);
    return { bar, lines, height: Math.max(ROW, lines.length * LINE + 14) };
  });
  const tops = rows.map((_, i) => rows.slice(0, i).reduce((a, r) => a + r.height, 0));
  const height = rows.reduce((a, r) => a + r.height, 0) + 40;
  const scale = (CHART_WIDTH - labelColumn - 70) / Math.max(max, 1);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${CHART_WIDTH} ${height}`} width="100%" role="img" aria-label={caption} xmlns="http://www.w3.org/2000/svg">
        {rows.map(({ bar, lines, height: rowHeight }, i) => {
          const y = tops[i]! + 8 + (rowHeight - ROW) / 2;
          let x = labelColumn;
          const total = bar.parts.reduce((a, p) => a + p.value, 0);
          const firstLine = y + 15 - ((lines.length - 1) * LINE) / 2;
          return (
            <g>
              <text x={labelColumn - 8} y={firstLine} text-anchor="end" font-size={FONT}>
                <title>{bar.label}</title>
                {lines.map((line, k) => (
                  <tspan x={labelColumn - 8} y={firstLine + k * LINE}>
                    {line}
                  </tspan>
                ))}
              </text>
              {bar.parts.map((part, j) => {
                const w = Math.max(0, part.value * scale);
                const rect = (
                  <rect x={x} y={y} width={w} height={22} fill={colours[j % colours.length]}>
                    <title>{part.title}</title>
                  </rect>
                );
                x += w;
                return rect;
              })}
              <text x={x + 6} y={y + 17} font-size="13">
                {points(total)}
              </text>
            </g>
          );
        })}
        {legend.map((name, j) => (
          <g>
            <rect x={labelColumn + j * 120} y={height - 22} width={14} height={14} fill={colours[j % colours.length]} />
            <text x={labelColumn + j * 120 + 20} y={height - 10} font-size="12">
              {name}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

import { points } from './format.ts';

/** A horizontal bar chart drawn on the server as SVG: one bar per item, stacked in up to two parts. */
export interface Bar {
  label: string;
  parts: { value: number; title: string }[];
}

const ROW = 34;
const LABEL_WIDTH = 170;
const CHART_WIDTH = 640;
const colours = ['#0b4f9c', '#7aa7d8'];

export function BarChart({ bars, max, caption, legend }: { bars: Bar[]; max: number; caption: string; legend: string[] }) {
  const height = bars.length * ROW + 40;
  const scale = (CHART_WIDTH - LABEL_WIDTH - 70) / Math.max(max, 1);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${CHART_WIDTH} ${height}`} width="100%" role="img" aria-label={caption} xmlns="http://www.w3.org/2000/svg">
        {bars.map((bar, i) => {
          const y = i * ROW + 8;
          let x = LABEL_WIDTH;
          const total = bar.parts.reduce((a, p) => a + p.value, 0);
          return (
            <g>
              <text x={LABEL_WIDTH - 8} y={y + 17} text-anchor="end" font-size="13">
                {bar.label}
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
            <rect x={LABEL_WIDTH + j * 120} y={height - 22} width={14} height={14} fill={colours[j % colours.length]} />
            <text x={LABEL_WIDTH + j * 120 + 20} y={height - 10} font-size="12">
              {name}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

import type { RfiAnswer, RfiQuestion } from '../../schema/index.ts';

/** Problems with answers to the RFI questions; `complete` also requires every question answered. */
export function rfiAnswerProblems(questions: readonly RfiQuestion[], answers: Record<string, RfiAnswer>, complete: boolean): string[] {
  const byCode = new Map(questions.map((q) => [q.code, q]));
  const problems: string[] = [];
  for (const [code, value] of Object.entries(answers)) {
    const question = byCode.get(code);
    if (!question) {
      problems.push(`質問にないコード「${code}」への回答です`);
      continue;
    }
    const label = `「${question.text.slice(0, 30)}」`;
    switch (question.kind) {
      case 'text':
        if (typeof value !== 'string' || value.length > 10_000) problems.push(`${label}は10,000文字以内の文章で回答してください`);
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${label}は数値で回答してください`);
        break;
      case 'price':
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 1_000_000_000_000) {
          problems.push(`${label}は円単位の0以上の整数（税抜）で回答してください`);
        }
        break;
      case 'yesno':
        if (typeof value !== 'boolean') problems.push(`${label}は「はい」か「いいえ」で回答してください`);
        break;
      case 'choice':
        if (typeof value !== 'string' || !(question.choices ?? []).includes(value)) problems.push(`${label}は選択肢から選んでください`);
        break;
    }
  }
  if (complete) {
    for (const question of questions) {
      const value = answers[question.code];
      if (value === undefined || value === '') problems.push(`「${question.text.slice(0, 30)}」が未回答です`);
    }
  }
  return problems;
}

export interface PriceStats {
  count: number;
  min: number;
  median: number;
  max: number;
}

/** Count, minimum, median and maximum of indicative prices; the median of an even count is the mean of the middle two, floored to the yen. */
export function priceStats(prices: readonly number[]): PriceStats | null {
  if (prices.length === 0) return null;
  const sorted = [...prices].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : Math.floor((sorted[mid - 1]! + sorted[mid]!) / 2);
  return { count: sorted.length, min: sorted[0]!, median, max: sorted.at(-1)! };
}

/** How a case selects its vendor (調達方式), and the legal grounds a 随意契約 may rest on. */

export const caseMethods = ['proposal', 'competitive_bid', 'comprehensive', 'negotiated', 'quotation'] as const;
export type CaseMethod = (typeof caseMethods)[number];

export const caseMethodLabels: Record<CaseMethod, string> = {
  proposal: '公募型プロポーザル',
  competitive_bid: '一般競争入札',
  comprehensive: '総合評価落札方式',
  negotiated: '随意契約',
  quotation: '見積合わせ',
};

/** 地方自治法施行令 第167条の2 第1項 の各号 (the grounds on which a 随意契約 is allowed). */
export const negotiatedGrounds = {
  '1': '予定価格が規則で定める額を超えないとき（少額随契）',
  '2': '性質又は目的が競争入札に適しないとき',
  '3': '障害者支援施設等から物品を買い入れる等の契約をするとき',
  '4': '新商品の生産により新たな事業分野の開拓を図る者から買い入れる等の契約をするとき',
  '5': '緊急の必要により競争入札に付することができないとき',
  '6': '競争入札に付することが不利と認められるとき',
  '7': '時価に比して著しく有利な価格で契約を締結できる見込みのあるとき',
  '8': '競争入札に付し入札者がないとき、又は再度の入札に付し落札者がないとき',
  '9': '落札者が契約を締結しないとき',
} as const;
export type NegotiatedGround = keyof typeof negotiatedGrounds;
export const negotiatedGroundCodes = Object.keys(negotiatedGrounds) as NegotiatedGround[];

/** The ground as a public notice cites it: 地方自治法施行令第167条の2第1項第2号. */
export const negotiatedGroundCitation = (ground: string): string => `地方自治法施行令第167条の2第1項第${ground}号`;

/** Methods whose vendor is chosen by sealed prices (入札 or 見積): they use the bidding endpoints. */
export const isPriceCompetition = (method: CaseMethod): boolean =>
  method === 'competitive_bid' || method === 'comprehensive' || method === 'quotation';

/** What the selection names: a proposal chooses a 契約候補者 (優先交渉権者) who is then contracted by 随意契約. */
export function selectedPartyLabel(method: CaseMethod): string {
  switch (method) {
    case 'proposal':
      return '契約候補者（優先交渉権者）';
    case 'negotiated':
      return '契約の相手方';
    case 'quotation':
      return '見積合わせの決定者';
    default:
      return '落札者';
  }
}

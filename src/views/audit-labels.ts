/** What each action of the audit trail is called on the page and in its CSV; an unknown one shows its code. */
const labels: Record<string, string> = {
  'auth.login': 'ログイン',
  'auth.logout': 'ログアウト',
  'user.create': '利用者の登録',
  'user.update': '利用者の変更（名前・有効／無効）',
  'user.password_reset': 'パスワードの再設定',
  'consortium.create': '協議会の作成',
  'consortium.settings': '発行者の設定',
  'member.create': '参加団体の登録',
  'member.import': '参加団体の一括登録',
  'vendor.create': '事業者の登録',
  'vendor.register': '事業者の利用登録',
  'vendor.update': '事業者情報の変更',
  'vendor.import': '事業者の一括登録',
  'vendor.qualification': '入札参加資格の審査',
  'case.create': '案件の作成',
  'case.update': '案件の変更',
  'case.transition': '案件の状態の変更',
  'case.contract_party': '契約当事者の設定',
  'case.addendum': '追加資料・訂正の公表',
  'participant.join': '参加の表明・変更',
  'apportionment.set': '費用按分の設定',
  'schedule.change': '日程の変更',
  'survey.create': '意向調査の作成',
  'survey.update': '意向調査の変更',
  'survey.propose': '候補の提案',
  'survey.answer': '意向調査への回答',
  'survey.shortlist': '候補の絞り込み',
  'survey.confirm': '意向調査の確定',
  'rfi.set': 'RFI（情報提供依頼）の設定',
  'question.ask': '質問の受付',
  'question.answer': '質問への回答',
  'question.publish': '質問回答の公表',
  'spec.version': '仕様書の版の保存',
  'spec.comment': '仕様書への意見',
  'spec.answer': '意見への回答',
  'file.receive': 'ファイルの受付',
  'proposal.price': '提案価格の提出',
  'proposal.withdraw': '提案の辞退',
  'evaluation.set': '評価の設定',
  'evaluation.coi': '利害関係の申告',
  'evaluation.close': '評価の締切',
  'sheet.save': '評価シートの一時保存',
  'sheet.submit': '評価シートの提出',
  'sheet.reopen': '評価シートの差し戻し',
  'bidding.set': '入札の設定',
  'bid.open': '開札',
  'bid.open.repeat': '開札結果の再表示',
  'bid.rebid': '再度入札',
  'award.record': '決定の記録',
  'document.issue': '文書の発行',
  'year.close': '年度の締め',
  'year.amend': '変更契約の記録',
  'notice.reminder': '期限の通知',
  'notification.preferences': '通知設定の変更',
  'calendar.token': 'カレンダー配信アドレスの発行',
  'key.first_use': '鍵の初回使用',
  'key.moved_out_of_database': '鍵のデータベース外への移動',
};

export const auditActionLabel = (action: string): string => labels[action] ?? action;

const objectLabels: Record<string, string> = {
  user: '利用者',
  consortium: '協議会',
  case: '案件',
  member: '参加団体',
  vendor: '事業者',
  survey: '意向調査',
};

export const auditObjectLabel = (type: string): string => objectLabels[type] ?? type;

/** The details of an entry in one line: key: value, separated by ／ (at most `max` characters). */
export function auditDetailsLine(details: Record<string, unknown>, max = 160): string {
  const text = Object.entries(details)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('／');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

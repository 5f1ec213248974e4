/** A published question as every reader sees it: never who asked. */
export interface PublishedQuestion {
  no: number;
  section: string | null;
  question: string;
  answer: string;
}

/** 公表した質問と回答: number, 該当箇所, the published wording and the answer, in number order. */
export function PublishedQuestions({ questions }: { questions: readonly PublishedQuestion[] }) {
  if (questions.length === 0) return <p class="muted">まだ公表された回答はありません。</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">公表された質問と回答</caption>
        <thead>
          <tr>
            <th scope="col">番号</th>
            <th scope="col">該当箇所</th>
            <th scope="col">質問</th>
            <th scope="col">回答</th>
          </tr>
        </thead>
        <tbody>
          {questions.map((q) => (
            <tr>
              <th scope="row">{q.no}</th>
              <td>{q.section ?? '—'}</td>
              <td class="prewrap">{q.question}</td>
              <td class="prewrap">{q.answer}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import type { scheduleChangeView } from '../services/schedule.ts';
import { dateTime } from './format.ts';

type ScheduleChange = ReturnType<typeof scheduleChangeView>;

/** 日程の変更: each move of a deadline or an opening time after submissions arrived, with its reason. Nothing when there was none. */
export function ScheduleChanges({ changes }: { changes: readonly ScheduleChange[] }) {
  if (changes.length === 0) return null;
  return (
    <section class="card" aria-labelledby="schedule-changes-heading">
      <h2 id="schedule-changes-heading">日程の変更</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">変更日</th>
              <th scope="col">項目</th>
              <th scope="col">変更前</th>
              <th scope="col">変更後</th>
              <th scope="col">理由</th>
            </tr>
          </thead>
          <tbody>
            {changes.flatMap((change) =>
              change.changes.map((ch) => (
                <tr>
                  <td>{dateTime(change.at)}</td>
                  <th scope="row">{ch.label}</th>
                  <td>{dateTime(ch.from)}</td>
                  <td>{dateTime(ch.to)}</td>
                  <td class="prewrap">{change.reason}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

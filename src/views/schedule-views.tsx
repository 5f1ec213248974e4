import type { scheduleChangeView } from '../services/schedule.ts';
import { dateTime } from './format.ts';

type ScheduleChange = ReturnType<typeof scheduleChangeView>;

/**
 * 日程の変更: each move of a deadline or an opening time after submissions arrived, with its reason;
 * nothing when there was none. A list rather than a table, so it reads on a phone as on a desk.
 */
export function ScheduleChanges({ changes }: { changes: readonly ScheduleChange[] }) {
  if (changes.length === 0) return null;
  return (
    <section class="card" aria-labelledby="schedule-changes-heading">
      <h2 id="schedule-changes-heading">日程の変更</h2>
      <ol class="schedule-changes">
        {changes.map((change) => (
          <li>
            <p>
              <time datetime={change.at}>{dateTime(change.at)}</time> に変更
            </p>
            <ul>
              {change.changes.map((ch) => (
                <li>
                  <strong>{ch.label}</strong>: {dateTime(ch.from)} → <strong>{dateTime(ch.to)}</strong>
                </li>
              ))}
            </ul>
            <p class="prewrap">理由: {change.reason}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

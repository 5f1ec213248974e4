import type { fileView } from '../db/files.ts';
import { dateTime } from './format.ts';

type FileItem = ReturnType<typeof fileView>;

export const sizeLabel = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} バイト`;

/** Received files with their receipt (受付票) data: time, size and SHA-256. */
export function FileTable({ files, caption, receipts = false }: { files: FileItem[]; caption: string; receipts?: boolean }) {
  if (files.length === 0) return <p class="muted">{caption}: まだありません。</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">ファイル名</th>
            <th scope="col" class="num">サイズ</th>
            <th scope="col">受付日時</th>
            <th scope="col">SHA-256</th>
            {receipts ? <th scope="col">受付票</th> : null}
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <tr id={`file-${f.id}`}>
              <th scope="row">
                <a href={`/api/files/${f.id}`}>{f.name}</a>
              </th>
              <td class="num">{sizeLabel(f.size)}</td>
              <td>{dateTime(f.receivedAt)}</td>
              <td>
                <code class="hash">{f.sha256}</code>
              </td>
              {receipts ? (
                <td>
                  <a href={`/api/files/${f.id}/receipt.pdf`}>PDF</a>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

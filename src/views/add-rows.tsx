/**
 * 「行を追加」 under a table of rows (tbody `rowsId`): with the script (/assets/rows.js) a blank row is
 * added in place; without it the button posts what was typed, with `blanks` (the blank rows shown), and
 * the page comes back with three more, nothing saved (see moreBlankRows).
 */
export function AddRowsButton({ rowsId, blanks }: { rowsId: string; blanks: number }) {
  return (
    <>
      <input type="hidden" name="blanks" value={String(blanks)} />
      <p>
        <button class="secondary" type="submit" name="addRows" value="1" formnovalidate data-add-row={rowsId}>
          行を追加
        </button>
      </p>
    </>
  );
}

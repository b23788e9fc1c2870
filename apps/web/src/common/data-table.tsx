import { ReactNode } from 'react';
import { Notice } from './alerts';

/** A KERN table with its caption and one header cell per column; the rows are the children. */
export function DataTable({ caption, columns, children }: { caption: string; columns: readonly ReactNode[]; children: ReactNode }) {
  return (
    <div className="kern-table-responsive">
      <table className="kern-table kern-table--striped">
        <caption className="kern-title">{caption}</caption>
        <thead className="kern-table__header">
          <tr className="kern-table__row">
            {columns.map((c, n) => (
              <th key={n} scope="col" className="kern-table__header">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="kern-table__body">{children}</tbody>
      </table>
    </div>
  );
}

/**
 * A list's table, or a notice in words where the list is empty; with `announce`, the caption is
 * also read out (a screen-reader status line) whenever the list is loaded again.
 */
export function ResultTable({ count, empty, announce = false, caption, columns, children }: {
  count: number;
  empty: string;
  announce?: boolean;
  caption: string;
  columns: readonly ReactNode[];
  children: ReactNode;
}) {
  return (
    <>
      {announce && (
        <p className="kern-sr-only" role="status">
          {caption}
        </p>
      )}
      {count === 0 ? (
        <Notice tone="info" title={empty} />
      ) : (
        <DataTable caption={caption} columns={columns}>
          {children}
        </DataTable>
      )}
    </>
  );
}

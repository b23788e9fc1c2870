/** Previous / "page x of y" / next for a paged list; nothing while it fits on one page. */
export function Paging({ label, className, page, pages, onPage, previous, next, position }: {
  label: string;
  className: string;
  page: number;
  pages: number;
  onPage: (page: number) => void;
  previous: string;
  next: string;
  position: string;
}) {
  if (pages <= 1) return null;
  return (
    <nav aria-label={label} className={className}>
      <button type="button" className="kern-btn kern-btn--secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        <span className="kern-label">{previous}</span>
      </button>
      <span className="kern-body">{position}</span>
      <button type="button" className="kern-btn kern-btn--secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        <span className="kern-label">{next}</span>
      </button>
    </nav>
  );
}

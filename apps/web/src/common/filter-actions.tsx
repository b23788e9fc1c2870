/** A filter form's buttons: apply (submits the form), and reset while any filter is set. */
export function FilterActions({ className, apply, reset, canReset, onReset }: { className: string; apply: string; reset: string; canReset: boolean; onReset: () => void }) {
  return (
    <div className={className}>
      <button type="submit" className="kern-btn kern-btn--secondary">
        <span className="kern-label">{apply}</span>
      </button>
      {canReset && (
        <button type="button" className="kern-btn kern-btn--tertiary" onClick={onReset}>
          <span className="kern-label">{reset}</span>
        </button>
      )}
    </div>
  );
}

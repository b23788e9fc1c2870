/** The reason a records decision or a change asks for: a labelled two-line text, with its hint (`<id>-hint`) where given. */
export function ReasonField({ id, label, hint, value, onChange, invalid }: { id: string; label: string; hint?: string; value: string; onChange: (value: string) => void; invalid?: boolean }) {
  return (
    <div className="kern-form-input">
      <label className="kern-label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <div className="kern-hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      <textarea
        id={id}
        className="kern-form-input__input"
        rows={2}
        maxLength={2000}
        aria-describedby={hint ? `${id}-hint` : undefined}
        aria-invalid={invalid || undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

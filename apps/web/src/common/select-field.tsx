import { ReactNode, SelectHTMLAttributes } from 'react';

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'className' | 'children' | 'aria-describedby'>;

/** A labelled KERN select, with an optional hint (`<id>-hint`, tied to the select); the options are the children. */
export function SelectField({ id, label, hint, children, ...select }: { id: string; label: string; hint?: string; children: ReactNode } & SelectProps) {
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
      <div className="kern-form-input__select-wrapper">
        <select id={id} className="kern-form-input__select" aria-describedby={hint ? `${id}-hint` : undefined} {...select}>
          {children}
        </select>
      </div>
    </div>
  );
}

import { ReactNode } from 'react';

export type BadgeTone = 'info' | 'success' | 'warning' | 'danger';

/** A KERN badge: the words say it, the colour (and an optional icon) only repeat it. */
export function Badge({ tone, title, icon, children }: { tone: BadgeTone; title?: string; icon?: string; children: ReactNode }) {
  return (
    <span className={`kern-badge kern-badge--${tone}`} title={title}>
      {icon && <span className={`kern-icon kern-icon--${icon}`} aria-hidden="true"></span>}
      <span className="kern-label kern-label--small">{children}</span>
    </span>
  );
}

import { ReactNode, useState } from 'react';

/**
 * A `<details>` whose content is rendered only once a person comes near it: when its summary gets
 * focus or the pointer, or it opens. A list of many items, each with forms folded away (the inbox:
 * 20 letters, two forms each), then renders only what is shown. The content stays rendered once
 * it was, so what was typed is kept while it is folded.
 */
export function Disclosure({ summary, className, summaryClassName, children }: { summary: ReactNode; className?: string; summaryClassName?: string; children: ReactNode }) {
  const [near, setNear] = useState(false);
  const come = () => setNear(true);
  return (
    <details className={className} onToggle={(e) => e.currentTarget.open && come()}>
      <summary className={summaryClassName} onFocus={come} onPointerEnter={come} onPointerDown={come}>
        {summary}
      </summary>
      {near && children}
    </details>
  );
}

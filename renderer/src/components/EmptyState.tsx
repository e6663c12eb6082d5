// The calm middle-of-the-pane message for "nothing here yet", loading and errors.
import type { ReactNode } from 'react';

export function EmptyState({
  icon,
  title,
  children,
  tone = 'neutral',
}: {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  tone?: 'neutral' | 'error';
}) {
  return (
    <div className={`empty-state empty-${tone}`} role={tone === 'error' ? 'alert' : undefined}>
      {icon && <div className="empty-icon">{icon}</div>}
      <h2>{title}</h2>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <div className="spinner-wrap" role="progressbar" aria-label={label} aria-busy="true">
      <span className="spinner" aria-hidden="true" />
    </div>
  );
}

// The loading and error states every list page shows while its query is not ready.
import type { ReactNode } from 'react';

/** "Could not load <what>: <why>" with a retry button. */
export function LoadError({ what, error, retry }: { what: string; error: { message: string }; retry(): void }) {
  return (
    <div className="alert" role="alert">
      <span>Could not load {what}: {error.message}</span>
      <button type="button" className="button" onClick={retry}>Try again</button>
    </div>
  );
}

/** Placeholder rows in a card, announced as busy. */
export function LoadingCard({ label }: { label: string }): ReactNode {
  return <div className="card" aria-busy="true" aria-label={label}>{[0, 1, 2].map((i) => <div key={i} className="skeleton" />)}</div>;
}

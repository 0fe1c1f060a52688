export interface PageError {
  id: number;
  code: string;
  message: string;
}

/** Errors from the provider's onError (a RUN_ERROR, a failed request), which CopilotChat itself does not show. */
export function ErrorList({ errors, onDismiss }: { errors: PageError[]; onDismiss: () => void }) {
  if (errors.length === 0) {
    return null;
  }
  return (
    <div className="errors" role="alert" data-testid="errors">
      {errors.map((e) => (
        <div key={e.id} className="error" data-testid="error" data-code={e.code}>
          <strong>{e.code}</strong>: {e.message}
        </div>
      ))}
      <button type="button" className="link" onClick={onDismiss}>
        dismiss
      </button>
    </div>
  );
}

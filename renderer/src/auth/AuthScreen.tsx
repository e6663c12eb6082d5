// Sign in and create account. Both end in a stored session; errors are shown in words a
// person can act on.
import { type FormEvent, useId, useState } from 'react';
import { LIMITS } from '../../../shared/limits.ts';
import { ChatIcon } from '../components/icons.tsx';
import { Link } from '../routing/router.tsx';
import { ServerError } from '../server-client.ts';

export type AuthMode = 'sign-in' | 'create-account';

export interface AuthSubmit {
  mode: AuthMode;
  email: string;
  password: string;
  displayName: string;
}

function describeError(error: unknown, mode: AuthMode): string {
  if (!(error instanceof ServerError)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return 'That email and password do not match an account.';
    case 'CONFLICT':
      return 'An account with this email already exists. Sign in instead.';
    case 'RATE_LIMITED':
      return 'Too many attempts. Wait a few minutes and try again.';
    case 'VALIDATION_FAILED': {
      const fields = error.fields ? Object.keys(error.fields) : [];
      if (fields.includes('password'))
        return `The password needs at least ${LIMITS.passwordMinChars} characters.`;
      if (fields.includes('email')) return 'Enter a valid email address.';
      const nameProblem = error.fields?.displayName?.[0];
      if (nameProblem) return `The display name ${nameProblem}.`;
      return mode === 'sign-in'
        ? 'Check the email and password.'
        : 'Check the fields and try again.';
    }
    case 'UNAVAILABLE':
      return 'The server cannot be reached. Check your connection and try again.';
    default:
      return error.message || 'Something went wrong. Please try again.';
  }
}

export function AuthScreen({
  mode,
  onSubmit,
}: {
  mode: AuthMode;
  onSubmit: (input: AuthSubmit) => Promise<void>;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const errorId = useId();
  const isCreate = mode === 'create-account';
  const title = isCreate ? 'Create account' : 'Sign in';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ mode, email: email.trim(), password, displayName: displayName.trim() });
    } catch (caught) {
      setError(describeError(caught, mode));
      setBusy(false);
    }
  };

  return (
    <main className="auth-screen">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="auth-logo" aria-hidden="true">
            <ChatIcon size={26} />
          </span>
          <div>
            <p className="auth-product">TimeNest Chat</p>
            <p className="auth-tagline">Talk about services and requests — even offline.</p>
          </div>
        </div>
        <h1>{title}</h1>
        <form onSubmit={submit} aria-describedby={error ? errorId : undefined} noValidate>
          {isCreate && (
            <label className="field">
              <span>Display name</span>
              <input
                name="displayName"
                dir="auto"
                autoComplete="name"
                required
                maxLength={LIMITS.displayNameMaxChars}
                value={displayName}
                onChange={(e) => setDisplayName(e.target.value)}
              />
            </label>
          )}
          <label className="field">
            <span>Email</span>
            <input
              type="email"
              name="email"
              autoComplete="email"
              required
              maxLength={LIMITS.emailMaxChars}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <label className="field">
            <span>Password</span>
            <input
              type="password"
              name="password"
              autoComplete={isCreate ? 'new-password' : 'current-password'}
              required
              minLength={isCreate ? LIMITS.passwordMinChars : 1}
              maxLength={LIMITS.passwordMaxChars}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {error && (
            <p id={errorId} className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button primary wide" disabled={isBusy}>
            {isBusy ? (isCreate ? 'Creating account…' : 'Signing in…') : title}
          </button>
        </form>
        <p className="auth-switch">
          {isCreate ? (
            <>
              Already have an account? <Link to="/sign-in">Sign in</Link>
            </>
          ) : (
            <>
              New to TimeNest? <Link to="/create-account">Create account</Link>
            </>
          )}
        </p>
      </div>
    </main>
  );
}

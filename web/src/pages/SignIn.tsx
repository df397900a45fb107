import { useState } from 'preact/hooks';
import { signIn } from '../api/packstore.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';

interface SignInProps {
  notice: string | undefined;
  onSignedIn: () => void;
}

export function SignIn({ notice, onSignedIn }: SignInProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const heading = useFocusOnMount<HTMLHeadingElement>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username.trim(), password);
      onSignedIn();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in" tabIndex={-1}>
      <h1 ref={heading} tabIndex={-1}>
        Sign in to Packstore
      </h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <p id="sign-in-help">Use your Packstore user name and password. The console keeps your session in this browser tab only.</p>
        <div class="field">
          <label for="username">User name</label>
          <input id="username" name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorNotice error={error} title="Sign-in failed." />
      </form>
    </main>
  );
}

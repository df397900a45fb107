import { useEffect, useState } from 'preact/hooks';
import { storedToken, whenSessionEnds } from './api/client.js';
import { getEnvironment, signOut, userInfo } from './api/packstore.js';
import type { EnvironmentBadge as Badge, UserInfo } from './api/types.js';
import { EnvironmentBadge, titleOf } from './components/EnvironmentBadge.js';
import { AnnouncerProvider } from './components/Announcer.js';
import { ErrorNotice } from './components/ErrorNotice.js';
import { Link } from './components/Link.js';
import { useFocusOnMount } from './components/useFocusOnMount.js';
import { MigrationDetail } from './pages/MigrationDetail.js';
import { MigrationsPage } from './pages/MigrationsPage.js';
import { PackagesPage } from './pages/PackagesPage.js';
import { BuilderPage } from './pages/builder/BuilderPage.js';
import { DiffPage } from './pages/diff/DiffPage.js';
import { SignIn } from './pages/SignIn.js';
import { hrefOf, useRoute, type Route } from './router.js';

const TITLES: Record<Route['page'], string> = {
  packages: 'Packages',
  builder: 'Build a package',
  migrations: 'Migrations',
  migration: 'Migration',
  diff: 'Diff',
  'not-found': 'Page not found',
};

type Who = { state: 'checking' } | { state: 'signed-out'; notice?: string } | { state: 'signed-in'; user: UserInfo };

export function App() {
  const [who, setWho] = useState<Who>(() => (storedToken() ? { state: 'checking' } : { state: 'signed-out' }));
  const [environment, setEnvironment] = useState<Badge>();

  const loadUser = () =>
    userInfo()
      .then((user) => setWho({ state: 'signed-in', user }))
      .catch(() => setWho({ state: 'signed-out' }));

  useEffect(() => {
    whenSessionEnds(() => setWho({ state: 'signed-out', notice: 'Your session has ended. Sign in again to go on.' }));
    if (storedToken()) void loadUser();
    // Without it the console still works; it only cannot say where it is.
    getEnvironment().then(setEnvironment, () => undefined);
  }, []);

  useEffect(() => {
    if (who.state === 'signed-out') document.title = titleOf('Sign in', environment);
  }, [who.state, environment]);

  if (who.state === 'checking') return <p class="loading">Loading the console…</p>;
  if (who.state === 'signed-out')
    return (
      <>
        <header class="top">
          <p class="brand">Packstore console</p>
          <EnvironmentBadge environment={environment} />
        </header>
        <SignIn notice={who.notice} onSignedIn={loadUser} />
      </>
    );
  return (
    <AnnouncerProvider>
      <Shell user={who.user} environment={environment} onSignedOut={() => setWho({ state: 'signed-out', notice: 'You have signed out.' })} />
    </AnnouncerProvider>
  );
}

function Shell({ user, environment, onSignedOut }: { user: UserInfo; environment: Badge | undefined; onSignedOut: () => void }) {
  const route = useRoute();
  useEffect(() => {
    document.title = titleOf(TITLES[route.page], environment);
  }, [route.page, environment]);
  const leave = () => {
    void signOut().finally(onSignedOut);
  };
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      <header class="top">
        <p class="brand">Packstore console</p>
        <EnvironmentBadge environment={environment} />
        <nav aria-label="Main">
          <ul>
            <li>
              <Link href={hrefOf({ page: 'packages' })} current={route.page === 'packages' || (route.page === 'diff' && route.source.kind === 'file')}>
                Packages
              </Link>
            </li>
            <li>
              <Link href={hrefOf({ page: 'builder' })} current={route.page === 'builder'}>
                Build a package
              </Link>
            </li>
            <li>
              <Link
                href={hrefOf({ page: 'migrations' })}
                current={route.page === 'migrations' || route.page === 'migration' || (route.page === 'diff' && route.source.kind === 'migration')}
              >
                Migrations
              </Link>
            </li>
          </ul>
        </nav>
        <p class="who">
          Signed in as <strong>{user.fullName}</strong>{' '}
          <button type="button" onClick={leave}>
            Sign out
          </button>
        </p>
      </header>
      <main id="main" tabIndex={-1}>
        {/* Each address is its own page: another migration or diff starts afresh. */}
        <Page key={hrefOf(route)} route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'packages':
      return <PackagesPage />;
    case 'builder':
      return <BuilderPage />;
    case 'migrations':
      return <MigrationsPage />;
    case 'migration':
      return <MigrationDetail id={route.id} />;
    case 'diff':
      return <DiffPage source={route.source} />;
    case 'not-found':
      return <NotFound path={route.path} />;
  }
}

function NotFound({ path }: { path: string }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Page not found
      </h1>
      <ErrorNotice error={new Error(`The console has no page at ${path}.`)} title="Unknown address." />
      <p>
        Go to the <Link href={hrefOf({ page: 'packages' })}>packages</Link> or the <Link href={hrefOf({ page: 'migrations' })}>migrations</Link>.
      </p>
    </>
  );
}

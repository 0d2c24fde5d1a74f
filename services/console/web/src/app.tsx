// The console's page table. Every page is linkable; see router.tsx.
import type { JSX } from 'preact';
import { Link, type Route, Router } from './router';

const routes: Route[] = [
  { pattern: '/', render: () => <Placeholder title="Workflows" /> },
  { pattern: '/workflows', render: () => <Placeholder title="Workflows" /> },
];

export function App(): JSX.Element {
  return (
    <div class="shell">
      <header class="topbar">
        <Link href="/workflows" class="brand">
          Baton
        </Link>
        <nav>
          <Link href="/workflows">Workflows</Link>
          <Link href="/signals">Signals</Link>
        </nav>
      </header>
      <main>
        <Router routes={routes} notFound={(p) => <Placeholder title={`No page at ${p}`} />} />
      </main>
    </div>
  );
}

function Placeholder(props: { title: string }): JSX.Element {
  return <h1>{props.title}</h1>;
}

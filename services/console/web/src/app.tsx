// The console's page table. Every page is linkable (docs: the URL map in the console's README).
import type { JSX } from 'preact';
import { IterationsPage } from './pages/iterations';
import { RunPage } from './pages/run';
import { RunsPage } from './pages/runs';
import { SignalPage, SignalsPage } from './pages/signals';
import { StepPage } from './pages/step';
import { WorkflowPage, WorkflowsPage } from './pages/workflows';
import { Link, type Route, Router } from './router';

// Each page is keyed by what it shows, so moving from one run (or step) to another starts it fresh.
const routes: Route[] = [
  { pattern: '/', render: (_, q) => <WorkflowsPage query={q} /> },
  { pattern: '/workflows', render: (_, q) => <WorkflowsPage query={q} /> },
  {
    pattern: '/workflows/:workflowId',
    render: (p, q) => <WorkflowPage key={p.workflowId} workflowId={p.workflowId!} query={q} />,
  },
  {
    pattern: '/workflows/:workflowId/runs',
    render: (p, q) => <RunsPage key={p.workflowId} workflowId={p.workflowId!} query={q} />,
  },
  { pattern: '/runs/:key', render: (p) => <RunPage key={p.key} runKey={p.key!} /> },
  {
    pattern: '/runs/:key/steps/:stepId',
    render: (p, q) => <StepPage key={`${p.key}/${p.stepId}`} runKey={p.key!} stepId={p.stepId!} query={q} />,
  },
  {
    pattern: '/runs/:key/steps/:stepId/iterations',
    render: (p, q) => (
      <IterationsPage key={`${p.key}/${p.stepId}`} runKey={p.key!} stepId={p.stepId!} query={q} />
    ),
  },
  { pattern: '/signals', render: (_, q) => <SignalsPage query={q} /> },
  {
    pattern: '/signals/:name/:signalId',
    render: (p) => <SignalPage key={`${p.name}/${p.signalId}`} name={p.name!} seq={p.signalId!} />,
  },
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
        <Router routes={routes} notFound={(p) => <h1>No page at {p}</h1>} />
      </main>
    </div>
  );
}

import type { SignInProblem } from '../api/client.js';
import { EmptyState } from '../ui/EmptyState.js';

/** Why a web-mode page may not use the lab, and what to do about it. */
export function SignInNeeded({ problem }: { problem: SignInProblem }) {
  const fixedTokenHint = (
    <p>
      To keep pages and bookmarks signed in across restarts, give the server a fixed port and token: <code>relu-lab serve --port 8765</code> with{' '}
      <code>&quot;webToken&quot;</code> in its <code>settings.json</code> (or <code>--token</code>).
    </p>
  );
  switch (problem) {
    case 'link-used':
      return (
        <EmptyState icon="alert" title="This sign-in address was already used">
          <p>
            Each address <code>relu-lab serve</code> prints signs in one browser, within 2 minutes. Press Enter in the terminal running <code>relu-lab serve</code>{' '}
            for a new address, and open it here.
          </p>
        </EmptyState>
      );
    case 'wrong-token':
      return (
        <EmptyState icon="alert" title="Wrong access token">
          <p>
            The lab refused the token this page kept: <code>relu-lab serve</code> was probably restarted and now uses another one. Open the address it printed
            when it started.
          </p>
          {fixedTokenHint}
        </EmptyState>
      );
    default:
      return (
        <EmptyState icon="alert" title="This page needs its access token">
          <p>
            Open the address <code>relu-lab serve</code> printed in the terminal (it ends in <code>?code=…</code>): it signs this browser in. The token keeps other
            pages and programs on this computer from using your lab.
          </p>
          {fixedTokenHint}
        </EmptyState>
      );
  }
}

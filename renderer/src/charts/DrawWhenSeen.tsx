/**
 * Draws a chart at once when it is on screen; off screen, a new version waits for the browser's idle
 * time, one chart at a time in page order, and the chart keeps showing what it drew before. Opening a
 * comparison or switching a layer or band so draws first what the researcher looks at (the charts
 * below follow a moment later, before they are scrolled to), and a page of nine charts never redraws
 * all of them in one go. Every chart is drawn eventually, scrolled to or not.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

const queue: (() => void)[] = [];
let pending = false;

function runNext(): void {
  pending = false;
  const task = queue.shift();
  task?.();
  if (queue.length > 0) schedule();
}

function schedule(): void {
  if (pending) return;
  pending = true;
  if (typeof requestIdleCallback === 'function') requestIdleCallback(runNext, { timeout: 2000 });
  else setTimeout(runNext, 50);
}

/** Runs `task` in idle time after the tasks queued before it; returns a cancel. */
function whenIdle(task: () => void): () => void {
  queue.push(task);
  schedule();
  return () => {
    const i = queue.indexOf(task);
    if (i >= 0) queue.splice(i, 1);
  };
}

/** Whether any of the element is on screen, kept current. */
function useOnScreen(ref: React.RefObject<HTMLElement | null>): boolean {
  const [seen, setSeen] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Measured before the first paint, so a chart on screen is drawn in the same frame as the page.
    const r = el.getBoundingClientRect();
    setSeen(r.bottom >= 0 && r.top <= window.innerHeight);
    if (typeof IntersectionObserver !== 'function') return;
    const observer = new IntersectionObserver((entries) => setSeen(entries.some((e) => e.isIntersecting)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return seen;
}

export function DrawWhenSeen({ version, minHeight, children }: { version: string; minHeight: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const seen = useOnScreen(ref);
  const [granted, setGranted] = useState<string | null>(null);
  const drawn = useRef<{ version: string; node: ReactNode } | null>(null);
  if (seen || granted === version || drawn.current?.version === version) drawn.current = { version, node: children };
  const stale = drawn.current?.version !== version;
  useEffect(() => {
    if (!stale) return;
    return whenIdle(() => setGranted(version));
  }, [stale, version]);
  return (
    <div ref={ref} className="chart-draw" data-drawn={stale ? 'stale' : 'current'} style={drawn.current ? undefined : { minHeight }}>
      {drawn.current?.node ?? null}
    </div>
  );
}

/** Links between the views of one page (e.g. the runs table and its sweep views), the current one marked. */
export function PageTabs({ label, tabs }: { label: string; tabs: { href: string; label: string; current: boolean }[] }) {
  return (
    <nav className="page-tabs" aria-label={label}>
      {tabs.map((t) => (
        <a key={t.label} href={t.href} className={`page-tab${t.current ? ' current' : ''}`} aria-current={t.current ? 'page' : undefined}>
          {t.label}
        </a>
      ))}
    </nav>
  );
}

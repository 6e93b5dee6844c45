/** What the Designer opens on: a fresh form, a copy of an experiment, a preset. */

/** "Name (copy)", "Name (copy 2)" … not colliding with existing names. */
export function copyName(name: string, existing: readonly string[]): string {
  const base = name.replace(/ \(copy(?: \d+)?\)$/, '');
  const taken = new Set(existing);
  let candidate = `${base} (copy)`;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base} (copy ${i})`;
  return candidate.length > 200 ? candidate.slice(0, 200) : candidate;
}

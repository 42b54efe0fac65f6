// Workflow ids appear in URLs (/workflows/<id>, /hooks/<id>/<trigger>) and in files, so new
// ones are derived from the name: "Deploy on plan completion" → "deploy-on-plan-completion".

const MAX = 63;

export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX)
    .replace(/-+$/, '');
  return base || 'workflow';
}

/** The first of base, base-2, base-3 … that `taken` does not contain. */
export function uniqueSlug(base: string, taken: (id: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const id = base.slice(0, MAX - suffix.length).replace(/-+$/, '') + suffix;
    if (!taken(id)) return id;
  }
}

'use client';
// Every node type this server can run — built in or loaded from NODE_DIRS — by category, with
// the selected one's settings form (generated from its config schema) beside the list.
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useDeferredValue, useMemo, useState } from 'react';
import type { NodeData } from '../../engine/nodes/define-node.ts';
import { SearchIcon } from '../components/icons.tsx';
import { LoadError, LoadingCard } from '../components/query-states.tsx';
import { NodeIcon } from '../components/node-icons.tsx';
import { useTRPC } from '../lib/trpc.ts';
import { NodeDetail } from './node-detail.tsx';

const CATEGORY_TITLES: Record<string, string> = {
  control: 'Control flow', action: 'Actions', ai: 'AI', integration: 'Integrations', data: 'Data', notification: 'Notifications',
};

function matches(n: NodeData, q: string): boolean {
  const s = q.toLowerCase();
  return [n.type, n.title, n.description, n.category].some((t) => t.toLowerCase().includes(s));
}

export function NodeCatalog() {
  const trpc = useTRPC();
  const list = useQuery(trpc.nodes.list.queryOptions());
  const [search, setSearch] = useState('');
  const query = useDeferredValue(search.trim());
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const selectedType = params.get('type');

  const groups = useMemo(() => {
    const shown = (list.data ?? []).filter((n) => !query || matches(n, query));
    const byCategory = new Map<string, NodeData[]>();
    for (const n of shown) byCategory.set(n.category, [...(byCategory.get(n.category) ?? []), n]);
    return Object.keys(CATEGORY_TITLES).filter((c) => byCategory.has(c)).map((c) => ({ category: c, nodes: byCategory.get(c)! }));
  }, [list.data, query]);
  const selected = list.data?.find((n) => n.type === selectedType);
  const select = (type: string) => router.replace(`${pathname}?type=${encodeURIComponent(type)}`, { scroll: false });

  return (
    <div className="page page-wide">
      <div className="page-header">
        <div>
          <h1>Node types</h1>
          <p>Every step a workflow can use on this server: built in, or loaded from <code>NODE_DIRS</code>.</p>
        </div>
      </div>

      {list.isError ? (
        <LoadError what="the node types" error={list.error} retry={() => list.refetch()} />
      ) : list.isPending ? (
        <LoadingCard label="Loading node types" />
      ) : (
        <div className="catalog">
          <div className="catalog-list">
            <div className="toolbar">
              <label className="search">
                <SearchIcon size={16} />
                <input className="input" type="search" placeholder="Search node types" aria-label="Search node types" value={search} onChange={(e) => setSearch(e.target.value)} />
              </label>
              <span className="muted">{list.data.length} types</span>
            </div>
            {groups.length === 0 ? (
              <div className="card empty">
                <div className="empty-icon"><SearchIcon size={26} /></div>
                <h2>No node type matches “{query}”</h2>
                <p>Search by name, type or what it does — for example “git”, “approval” or “http”.</p>
              </div>
            ) : groups.map((g) => (
              <section key={g.category} className="catalog-group" aria-labelledby={`cat-${g.category}`}>
                <h2 id={`cat-${g.category}`}>{CATEGORY_TITLES[g.category]}</h2>
                <ul className="node-cards" aria-label={CATEGORY_TITLES[g.category]}>
                  {g.nodes.map((n) => (
                    <li key={n.type}>
                      <button type="button" className="node-card" aria-pressed={n.type === selectedType} onClick={() => select(n.type)}>
                        <span className="node-card-icon" style={{ color: n.colour, background: `color-mix(in srgb, ${n.colour} 14%, transparent)` }}><NodeIcon name={n.icon} /></span>
                        <span className="node-card-main">
                          <span className="node-card-title">{n.title} {n.external && <span className="badge">external</span>}</span>
                          <span className="node-card-desc">{n.description}</span>
                        </span>
                        <code className="node-card-type">{n.type}</code>
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
          <aside className="catalog-detail card" aria-label="Node type details">
            {selected ? <NodeDetail key={selected.type} node={selected} /> : (
              <div className="empty">
                <div className="empty-icon"><NodeIcon name="workflow" size={26} /></div>
                <h2>Pick a node type</h2>
                <p>See its ports and try its settings form; the YAML it writes follows as you type.</p>
              </div>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}

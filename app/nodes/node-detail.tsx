'use client';
// One node type: what it is, its ports, and its settings form with the YAML step it writes,
// checked by the server against the type's own schema as you type.
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { stringify as stringifyYaml } from 'yaml';
import type { NodeData } from '../../engine/nodes/define-node.ts';
import { ConfigForm } from '../components/config-form/config-form.tsx';
import type { JsonSchema } from '../components/config-form/schema-fields.ts';
import { NodeIcon } from '../components/node-icons.tsx';
import { useTRPC } from '../lib/trpc.ts';

export function NodeDetail({ node }: { node: NodeData }) {
  const trpc = useTRPC();
  // Defaults stay out of the YAML until changed: an omitted key takes its default anyway.
  const [config, setConfig] = useState<Record<string, unknown>>({});
  const checked = useDeferredValue(config);
  const check = useQuery({ ...trpc.nodes.checkConfig.queryOptions({ type: node.type, config: checked }), placeholderData: (prev) => prev });
  const issues = check.data?.issues ?? [];
  const step = { id: `my_${node.type.replace(/-/g, '_')}`, type: node.type, ...(Object.keys(config).length ? { with: config } : {}) };

  return (
    <div className="node-detail">
      <header className="node-detail-header">
        <span className="node-card-icon node-detail-icon" style={{ color: node.colour, background: `color-mix(in srgb, ${node.colour} 14%, transparent)` }}><NodeIcon name={node.icon} size={22} /></span>
        <div>
          <h2>{node.title}</h2>
          <p className="muted"><code>{node.type}</code> · v{node.version} · {node.kind}{node.container ? ' · container' : ''}{node.external ? ' · external' : ''}</p>
        </div>
      </header>
      <p>{node.description}</p>
      <dl className="ports">
        <dt>In</dt><dd>{node.inputs.length ? node.inputs.map((p) => <code key={p.id}>{p.id}</code>) : <span className="muted">none</span>}</dd>
        <dt>Out</dt><dd>{node.outputs.map((p) => <code key={p.id} title={p.description}>{p.id}</code>)}</dd>
      </dl>

      <h3>Settings</h3>
      <ConfigForm schema={node.configSchema as JsonSchema} value={config} onChange={setConfig} issues={issues} />

      <div className="yaml-preview-header">
        <h3>YAML</h3>
        <span className={`check-state ${check.data?.ok ? 'check-ok' : 'check-bad'}`} role="status" aria-live="polite">
          {check.isError ? `Could not check: ${check.error.message}` : !check.data ? 'Checking…' : check.data.ok ? 'Valid' : `${issues.length} problem${issues.length === 1 ? '' : 's'}`}
        </span>
      </div>
      <pre className="yaml-preview" aria-label="Step YAML">{stringifyYaml([step]).trimEnd()}</pre>
    </div>
  );
}

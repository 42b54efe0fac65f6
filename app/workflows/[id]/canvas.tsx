'use client';
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useState } from 'react';

export function Canvas() {
  // Empty until the editor issue fills the canvas from the workflow's Y.Doc.
  const [nodes] = useState<Node[]>([]);
  const [edges] = useState<Edge[]>([]);
  return (
    <div className="canvas" data-testid="canvas">
      <ReactFlow nodes={nodes} edges={edges} fitView snapToGrid snapGrid={[16, 16]} proOptions={{ hideAttribution: true }} aria-label="Workflow canvas">
        <Background variant={BackgroundVariant.Dots} gap={16} size={1.5} color="var(--canvas-dot)" />
        <Controls position="bottom-left" />
        <MiniMap position="bottom-right" pannable zoomable />
      </ReactFlow>
      {nodes.length === 0 && (
        <div className="canvas-empty">
          <div>
            <h2>An empty canvas</h2>
            <p>This workflow has no steps yet. Steps, conditions, parallel branches and approval gates will be placed here.</p>
          </div>
        </div>
      )}
    </div>
  );
}

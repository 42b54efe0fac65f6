import type { Metadata } from 'next';
import { Suspense } from 'react';
import { NodeCatalog } from './node-catalog.tsx';

export const metadata: Metadata = { title: 'Node types' };

export default function NodesPage() {
  // The catalog keeps the selected type in the URL (?type=…), which needs a Suspense boundary.
  return <Suspense><NodeCatalog /></Suspense>;
}

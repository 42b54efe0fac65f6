import type { Metadata } from 'next';
import { WorkflowList } from './workflows/workflow-list.tsx';

export const metadata: Metadata = { title: 'Workflows' };

export default function HomePage() {
  return <WorkflowList />;
}

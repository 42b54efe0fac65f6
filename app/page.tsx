import type { Metadata } from 'next';
import { WorkflowList } from './workflows/workflow-list.tsx';

export const metadata: Metadata = { title: { absolute: 'Workflows · Switchyard' } };

export default function HomePage() {
  return <WorkflowList />;
}

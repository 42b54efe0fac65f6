import type { Metadata } from 'next';
import { PeopleView } from './people-view.tsx';

export const metadata: Metadata = { title: 'People' };

export default function PeoplePage() {
  return <PeopleView />;
}

'use client';
// Your API tokens (everyone) and the server's secrets (owners manage, editors see the names).
import { ApiTokens } from './api-tokens.tsx';
import { Secrets } from './secrets.tsx';
import { useMe } from '../lib/me.ts';

export function SettingsView() {
  const { can } = useMe();
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <p>API tokens for the CLI and automation{can('editor') ? ', and the secrets steps use' : ''}.</p>
        </div>
      </div>
      <ApiTokens />
      {can('editor') && <Secrets manage={can('owner')} />}
    </div>
  );
}

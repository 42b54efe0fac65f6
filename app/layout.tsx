import type { Metadata } from 'next';
import { GeistSans } from 'geist/font/sans';
import { GeistMono } from 'geist/font/mono';
import type { ReactNode } from 'react';
import { Providers } from './providers.tsx';
import { TopBar } from './components/top-bar.tsx';
import { AuthGate } from './auth/auth-gate.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Switchyard', template: '%s · Switchyard' },
  description: 'Visual, YAML-first workflow editor with a durable runtime',
  icons: { icon: '/favicon.svg' },
};

// Runs before first paint so the page never flashes the other theme: the stored choice,
// else the OS setting (followed live until the user picks one).
const themeScript = `(function(){var d=document.documentElement,m=matchMedia('(prefers-color-scheme: dark)');function s(){var t=null;try{t=localStorage.getItem('switchyard-theme')}catch(e){}d.dataset.theme=t==='dark'||t==='light'?t:m.matches?'dark':'light'}s();m.addEventListener('change',s)})()`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`} suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>
        <Providers>
          <AuthGate>
            <TopBar />
            <main className="main">{children}</main>
          </AuthGate>
        </Providers>
      </body>
    </html>
  );
}

import type { Metadata } from 'next';
import { GeistSans } from 'geist/font/sans';
import { GeistMono } from 'geist/font/mono';
import type { ReactNode } from 'react';
import { Providers } from './providers.tsx';
import { TopBar } from './components/top-bar.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Switchyard', template: '%s · Switchyard' },
  description: 'Visual, YAML-first workflow editor with a durable runtime',
  icons: { icon: '/favicon.svg' },
};

// Applied before first paint so a stored dark/light choice never flashes the other theme.
const themeScript = `try{var t=localStorage.getItem('switchyard-theme');if(t==='dark'||t==='light')document.documentElement.dataset.theme=t}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`} suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>
        <Providers>
          <TopBar />
          <main className="main">{children}</main>
        </Providers>
      </body>
    </html>
  );
}

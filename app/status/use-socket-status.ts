'use client';
import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/realtime/events.ts';

export interface SocketStatus { connected: boolean; serverVersion?: string; helloAt?: string; roundTripMs?: number }

/** A socket.io connection to this server, with the hello event and a measured round trip. */
export function useSocketStatus(): SocketStatus {
  const [status, setStatus] = useState<SocketStatus>({ connected: false });
  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ path: '/socket.io', transports: ['websocket'] });
    socket.on('connect', () => setStatus((s) => ({ ...s, connected: true })));
    socket.on('disconnect', () => setStatus((s) => ({ ...s, connected: false, roundTripMs: undefined })));
    socket.on('server:hello', (msg) => {
      setStatus((s) => ({ ...s, serverVersion: msg.version, helloAt: msg.serverTime }));
      const sent = performance.now();
      socket.emit('system:ping', () => setStatus((s) => ({ ...s, roundTripMs: Math.round((performance.now() - sent) * 10) / 10 })));
    });
    return () => { socket.disconnect(); };
  }, []);
  return status;
}

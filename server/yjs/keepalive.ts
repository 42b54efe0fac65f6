// Drops connections whose peer vanished without a TCP close (sleeping laptop, dropped Wi-Fi):
// such sockets never emit 'close' on their own, so their awareness state (a ghost cursor)
// and their room would linger. Each round pings every socket; one that has neither answered
// nor sent anything since the previous round is terminated, which emits 'close' as usual.
import { WebSocket } from 'ws';

export interface KeepAlive {
  track(ws: WebSocket): void;
  stop(): void;
}

export function startKeepAlive(intervalMs: number): KeepAlive {
  const alive = new Map<WebSocket, boolean>();
  const timer = setInterval(() => {
    for (const [ws, seen] of alive) {
      if (!seen) {
        ws.terminate();
        alive.delete(ws);
        continue;
      }
      alive.set(ws, false);
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }
  }, intervalMs);
  // Shutdown goes through stop(); the timer alone must not keep the process alive.
  timer.unref();

  return {
    track(ws) {
      alive.set(ws, true);
      const markAlive = () => { if (alive.has(ws)) alive.set(ws, true); };
      ws.on('pong', markAlive);
      ws.on('message', markAlive);
      ws.on('close', () => alive.delete(ws));
    },
    stop() {
      clearInterval(timer);
      alive.clear();
    },
  };
}

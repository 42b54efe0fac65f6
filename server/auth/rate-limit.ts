// Attempts per key in a sliding window (sign-in by address and by email), in this process's
// memory: several processes each allow their own share, which still bounds guessing.
export interface RateLimiter {
  /** Counts an attempt; refused when the key used its budget in the last window. */
  hit(key: string, now?: number): { allowed: true } | { allowed: false; retryAfterMs: number };
  reset(key: string): void;
}

export function createRateLimiter(max: number, windowMs: number): RateLimiter {
  const attempts = new Map<string, number[]>();
  return {
    hit(key, now = Date.now()) {
      const recent = (attempts.get(key) ?? []).filter((t) => t > now - windowMs);
      if (recent.length >= max) {
        attempts.set(key, recent);
        return { allowed: false, retryAfterMs: recent[0]! + windowMs - now };
      }
      recent.push(now);
      attempts.set(key, recent);
      // Forget idle keys now and then, so the map does not grow with every address seen.
      if (attempts.size > 10_000) for (const [k, v] of attempts) if (v.every((t) => t <= now - windowMs)) attempts.delete(k);
      return { allowed: true };
    },
    reset(key) { attempts.delete(key); },
  };
}

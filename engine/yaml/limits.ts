// Resource limits for untrusted workflow text. They run before anything big is built: a file
// comes from users, imports and webhooks, and one parse must never stall the server.

export interface YamlLimits {
  /** UTF-8 size cap (see DEFAULT_LIMITS). */
  maxBytes: number;
  /** Deepest nesting of collections. Default 64: the engine's own shape needs about 8. */
  maxDepth: number;
  /**
   * The yaml package's maxAliasCount: roughly how many alias expansions a file may make,
   * an alias of data that itself holds aliases counting once per expansion inside it (so an
   * alias bomb fails at its first levels). Default 50.
   */
  maxAliases: number;
}

// 1 MB: real workflows are a few KB, and the parser needs ~1 s per MB of tiny tokens, which
// would block the server's event loop.
export const DEFAULT_LIMITS: Readonly<YamlLimits> = { maxBytes: 1024 * 1024, maxDepth: 64, maxAliases: 50 };

export function resolveLimits(opts: Partial<YamlLimits> = {}): YamlLimits {
  return {
    maxBytes: opts.maxBytes ?? DEFAULT_LIMITS.maxBytes,
    maxDepth: opts.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxAliases: opts.maxAliases ?? DEFAULT_LIMITS.maxAliases,
  };
}

/**
 * UTF-8 byte length, or undefined once it passes `cap`. `text.length` (UTF-16 units) is a
 * lower bound on bytes, so oversized input is refused without looking at a single character;
 * otherwise we count without allocating (TextEncoder would copy the whole string).
 */
export function utf8LengthUpTo(text: string, cap: number): number | undefined {
  if (text.length > cap) return undefined;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) { bytes += 4; i++; } // surrogate pair
    else bytes += 3;
    if (bytes > cap) return undefined;
  }
  return bytes;
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) ? 1 : 0)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
}

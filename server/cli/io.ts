import { readFileSync, writeFileSync } from 'node:fs';

/** The CLI's window on the world, so commands are testable without a process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): string;
  writeFile(path: string, text: string): void;
  readStdin(): string;
  /** Whether standard output is a terminal (live redraw) or a pipe or log (plain lines). */
  isTTY?(): boolean;
}

export const nodeIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p, 'utf8'),
  writeFile: (p, t) => writeFileSync(p, t),
  readStdin: () => readFileSync(0, 'utf8'),
  isTTY: () => process.stdout.isTTY === true,
};

/** Reads a file argument ("-" is standard input); an unreadable file is reported, not thrown. */
export function readInput(io: CliIo, file: string): { text: string } | { error: string } {
  try {
    return { text: file === '-' ? io.readStdin() : io.readFile(file) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message };
  }
}

export function splitFlags(args: string[]): { flags: Set<string>; files: string[] } {
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  return { flags, files: args.filter((a) => !a.startsWith('--')) };
}

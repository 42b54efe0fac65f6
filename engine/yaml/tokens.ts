// Lexing and CST parsing, driven one lexeme at a time so that two things happen on the way:
//   - nesting depth is watched on the parser's own stack, and we stop at the first token past
//     the limit: `[[[[…` or `a: {a: {…` five thousand deep never reaches the (recursive)
//     composer, and a 2 MB run of brackets costs microseconds instead of seconds;
//   - the offsets of real comment tokens are recorded. Notes are read from these rather than
//     from the composed nodes' comments (see comments.ts for why), and only the lexer knows
//     that `# x` inside a block scalar is text, not a comment.
import { CST, Lexer, LineCounter, Parser } from 'yaml';

export interface TokenRead {
  tokens: CST.Token[];
  lineCounter: LineCounter;
  /** Start offsets of comment tokens, in source order. */
  commentOffsets: number[];
  /** Set when nesting went past the limit: where it did. `tokens` is then incomplete. */
  tooDeepAt?: number;
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** Open collections on the parser's stack (which also holds the document and scalars). */
function openCollections(stack: readonly CST.Token[]): number {
  let n = 0;
  for (const token of stack) if (COLLECTIONS.has(token.type)) n++;
  return n;
}

export function readTokens(text: string, maxDepth: number): TokenRead {
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  const commentOffsets: number[] = [];
  lineCounter.addNewLine(0); // Parser.parse() registers line 1 itself; next() does not
  let scalarNext = false; // after the lexer's scalar marker, the next lexeme is scalar text
  for (const lexeme of new Lexer().lex(text)) {
    const type = CST.tokenType(lexeme);
    const offset = parser.offset;
    if (scalarNext) scalarNext = false;
    else if (type === 'scalar') scalarNext = true;
    else if (type === 'comment') commentOffsets.push(offset);
    for (const token of parser.next(lexeme)) tokens.push(token);
    // The length test is the cheap filter; the exact count runs only near the limit.
    if (parser.stack.length > maxDepth && openCollections(parser.stack) > maxDepth) return { tokens, lineCounter, commentOffsets, tooDeepAt: offset };
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens, lineCounter, commentOffsets };
}

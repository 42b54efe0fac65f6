// The slice of cel-js's parsed AST we rely on (see node_modules/@marcbachmann/cel-js/lib/index.d.ts,
// `ASTNode`). Nodes are class instances with `op`, `args`, and source offsets `start`/`end`
// (exclusive) and `pos` (the token an error should point at, e.g. the field name of `a.b`).
//
//   value  args: literal            id     args: name
//   .      args: [node, field]      []     args: [node, indexNode]
//   call   args: [name, node[]]     rcall  args: [name, receiver, node[]]
//   list   args: node[]             map    args: [keyNode, valueNode][]
//   ?:     args: [cond, then, else] !_ -_  args: node
//   && || == != < <= > >= in + - * / %     args: [left, right]
//
// Macros (has, all, exists, exists_one, map, filter, cel.bind) stay `call`/`rcall` nodes in
// `args`; their expansion hangs off `node.meta` and is only walked by ./budget.ts.

export interface AstNode {
  readonly op: string;
  readonly args: unknown;
  readonly start: number;
  readonly end: number;
  readonly pos: number;
}

export const ACCESS_OPS: ReadonlySet<string> = new Set(['.', '.?', '[]', '[?]']);

export function isAstNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as AstNode).op === 'string' && 'args' in v && typeof (v as AstNode).start === 'number';
}

/** Child nodes in source order, whatever the operator's argument shape. */
export function childNodes(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const visit = (v: unknown): void => {
    if (isAstNode(v)) out.push(v);
    else if (Array.isArray(v)) for (const x of v) visit(x);
  };
  visit(node.args);
  return out;
}

/** The organisation tree (`branch.tree`) as the pages show it: flat rows with a depth. */
import type { OrgType, TreeNode } from '../../typings/api';

export const ORG_TYPE_LABELS: Record<OrgType | 'group', string> = {
  committee: '党委',
  generalBranch: '党总支',
  branch: '党支部',
  group: '党小组',
};

export interface OrgRow {
  id: string;
  name: string;
  type: OrgType | 'group';
  typeText: string;
  depth: number;
  gridArea: string;
  countText: string;
  /** A branch still waiting for its first secretary (`hasSecretary: false`). */
  noSecretary: boolean;
}

/**
 * Depth-first, parents before children, in the server's order: 党委 (0) → 党总支 and
 * branches directly under the committee (1) → branches of a 党总支 (2) → party groups.
 */
export function flattenTree(root: TreeNode): OrgRow[] {
  const out: OrgRow[] = [];
  const visit = (n: TreeNode, depth: number) => {
    out.push({
      id: n.id,
      name: n.name,
      type: n.type,
      typeText: ORG_TYPE_LABELS[n.type] ?? '',
      depth: Math.min(depth, 4),
      gridArea: n.gridArea ?? '',
      countText:
        n.type === 'generalBranch'
          ? `下设 ${(n.children ?? []).filter((c) => c.type === 'branch').length} 个支部`
          : n.memberCount === null
            ? ''
            : `${n.memberCount} 人`,
      noSecretary: n.type === 'branch' && n.hasSecretary === false,
    });
    for (const c of n.children ?? []) visit(c, depth + 1);
  };
  visit(root, 0);
  return out;
}

export function findNode(root: TreeNode, id: string): TreeNode | null {
  if (root.id === id) return root;
  for (const c of root.children ?? []) {
    const hit = findNode(c, id);
    if (hit) return hit;
  }
  return null;
}

/** Every branch (党支部) of the tree, in tree order. */
export function branchesOf(root: TreeNode): TreeNode[] {
  const out: TreeNode[] = [];
  const visit = (n: TreeNode) => {
    if (n.type === 'branch') out.push(n);
    for (const c of n.children ?? []) visit(c);
  };
  visit(root);
  return out;
}

/** Every general branch (党总支) of the tree, in tree order. */
export function generalBranchesOf(root: TreeNode): TreeNode[] {
  const out: TreeNode[] = [];
  const visit = (n: TreeNode) => {
    if (n.type === 'generalBranch') out.push(n);
    for (const c of n.children ?? []) visit(c);
  };
  visit(root);
  return out;
}

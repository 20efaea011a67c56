import type { AssignableRole, RoleCode } from '../../typings/api';

const ROLE_LABELS: Record<RoleCode, string> = {
  secretary: '书记',
  deputySecretary: '副书记',
  organizationCommittee: '组织委员',
  propagandaCommittee: '宣传委员',
  disciplineCommittee: '纪检委员',
  massWorkCommittee: '群众工作委员',
  member: '正式党员',
  probationary: '预备党员',
  activist: '入党积极分子',
};

export function roleLabel(role: RoleCode): string {
  return ROLE_LABELS[role] ?? '成员';
}

/** Roles a secretary can give with `setRole`, in the order the picker lists them. */
export const ASSIGNABLE_ROLES: readonly AssignableRole[] = [
  'deputySecretary',
  'organizationCommittee',
  'propagandaCommittee',
  'disciplineCommittee',
  'massWorkCommittee',
  'member',
  'probationary',
  'activist',
];

export function isAssignable(role: RoleCode): role is AssignableRole {
  return (ASSIGNABLE_ROLES as readonly string[]).includes(role);
}

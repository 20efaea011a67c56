/** `branch` actions about the organisation: party groups and the committee's tree. */
import * as z from 'zod';
import type { TreeNode } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  can,
  fetchAll,
  findById,
  type ActionDef,
  type OrganizationDoc,
  type PartyGroupDoc,
} from '../common';
import {
  MSG,
  activeIn,
  forbidden,
  idSchema,
  isDuplicateKey,
  loadActor,
  newId,
  secCheck,
  updatedCount,
} from './shared';

const MAX_TREE = 500;

/** Requests: memberships (1), insert (1). */
export const createGroup: ActionDef<'branch', 'createGroup'> = {
  kind: 'write',
  schema: z.object({ branchId: idSchema, name: z.string().trim().min(1).max(20) }),
  async handler(data, { openid, db, cloud }) {
    const { actor, docs } = await loadActor(db, openid);
    if (!can(actor, 'createGroup', { branchId: data.branchId })) throw forbidden();
    await secCheck(cloud, openid, data.name, 1);
    const mine = activeIn(docs, openid, data.branchId)!;
    const group: PartyGroupDoc = {
      _id: newId(),
      branchId: data.branchId,
      committeeId: mine.committeeId ?? '',
      name: data.name,
      createdAt: new Date(),
    };
    try {
      await db.collection(COLLECTIONS.partyGroups).add({ data: group });
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('CONFLICT', '本支部已有同名党小组');
      throw err;
    }
    return { groupId: group._id, name: group.name };
  },
};

/** Requests: memberships of caller and member (1), the group (1), update (1). */
export const assignGroup: ActionDef<'branch', 'assignGroup'> = {
  kind: 'write',
  schema: z.object({ branchId: idSchema, openid: idSchema, groupId: idSchema.nullable() }),
  async handler(data, { openid, db }) {
    const { actor, docs } = await loadActor(db, openid, [data.openid]);
    if (!can(actor, 'assignGroup', { branchId: data.branchId })) throw forbidden();
    const t = activeIn(docs, data.openid, data.branchId);
    if (!t) throw new AppError('NOT_FOUND', MSG.memberNotFound);
    let groupName: string | null = null;
    if (data.groupId !== null) {
      const g = await findById<PartyGroupDoc>(db, COLLECTIONS.partyGroups, data.groupId);
      if (!g || g.branchId !== data.branchId) throw new AppError('NOT_FOUND', '未找到该党小组');
      groupName = g.name;
    }
    const res = await db
      .collection(COLLECTIONS.memberships)
      .where({ _id: t._id, status: 'active', orgId: data.branchId })
      .update({ data: { partyGroupId: data.groupId, partyGroupName: groupName } });
    if (updatedCount(res) !== 1 && t.partyGroupId !== data.groupId) {
      throw new AppError('CONFLICT', '该成员的状态已变化，请刷新后重试');
    }
    return { openid: data.openid, groupId: data.groupId, groupName };
  },
};

/** Requests: memberships (1), the committee's organisations and party groups (2, parallel). */
export const tree: ActionDef<'branch', 'tree'> = {
  kind: 'read',
  schema: z.object({ committeeId: idSchema.optional() }).optional(),
  async handler(data, { openid, db }) {
    const { actor } = await loadActor(db, openid);
    const committeeId =
      data?.committeeId ?? actor.memberships.find((m) => m.committeeId)?.committeeId ?? null;
    if (!committeeId || !can(actor, 'tree', { committeeId })) throw forbidden();
    const [orgs, groups] = await Promise.all([
      fetchAll<OrganizationDoc>(
        db.collection(COLLECTIONS.organizations).where({ committeeId }).limit(MAX_TREE),
      ),
      fetchAll<PartyGroupDoc>(
        db.collection(COLLECTIONS.partyGroups).where({ committeeId }).limit(MAX_TREE),
      ),
    ]);
    const nodes = new Map<string, TreeNode>();
    for (const o of orgs) {
      nodes.set(o._id, {
        id: o._id,
        name: o.name,
        type: o.type,
        gridArea: o.gridArea ?? null,
        memberCount: null,
        children: [],
      });
    }
    const root = nodes.get(committeeId);
    if (!root) throw new AppError('NOT_FOUND', '未找到该党委');
    for (const o of [...orgs].sort((a, b) => a._id.localeCompare(b._id))) {
      if (o._id === committeeId) continue;
      const parent = nodes.get(o.parentId ?? '') ?? root;
      parent.children.push(nodes.get(o._id)!);
    }
    for (const g of [...groups].sort((a, b) => a.name.localeCompare(b.name))) {
      nodes.get(g.branchId)?.children.push({
        id: g._id,
        name: g.name,
        type: 'group',
        gridArea: null,
        memberCount: null,
        children: [],
      });
    }
    return { root };
  },
};

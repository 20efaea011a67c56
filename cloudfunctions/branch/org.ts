/** `branch` actions about the organisation: party groups and the committee's tree. */
import * as z from 'zod';
import type { TreeNode } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  branchesWhere,
  can,
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

/**
 * Renames a party group; the name kept on its members' memberships (`partyGroupName`)
 * follows in one multi-document update. Not wrapped in the requestId marker
 * (`idempotent: false`): renaming to the same name again is the same outcome.
 * Requests: memberships and the group (2, parallel), update (1), members' names (1): 4.
 */
export const renameGroup: ActionDef<'branch', 'renameGroup'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    groupId: idSchema,
    name: z.string().trim().min(1, '党小组名称不能为空').max(20, '党小组名称最多 20 个字'),
  }),
  async handler(data, { openid, db, cloud }) {
    const [{ actor }, group] = await Promise.all([
      loadActor(db, openid),
      findById<PartyGroupDoc>(db, COLLECTIONS.partyGroups, data.groupId),
    ]);
    // Permission first (docs/permissions.md): a caller who renames nowhere learns nothing.
    if (branchesWhere(actor, 'renameGroup').length === 0) throw forbidden();
    if (!group) throw new AppError('NOT_FOUND', '未找到该党小组');
    if (!can(actor, 'renameGroup', { branchId: group.branchId })) throw forbidden();
    if (group.name !== data.name) {
      await secCheck(cloud, openid, data.name, 1);
      try {
        await db
          .collection(COLLECTIONS.partyGroups)
          .where({ _id: group._id, branchId: group.branchId })
          .update({ data: { name: data.name } });
      } catch (err) {
        if (isDuplicateKey(err)) throw new AppError('CONFLICT', '本支部已有同名党小组');
        throw err;
      }
    }
    await db
      .collection(COLLECTIONS.memberships)
      .where({ orgId: group.branchId, partyGroupId: group._id })
      .update({ data: { partyGroupName: data.name } });
    return { groupId: group._id, name: data.name };
  },
};

interface OrgRow extends OrganizationDoc {
  groups?: PartyGroupDoc[];
}
interface CountRow {
  _id: { o: string; g: string | null };
  n: number;
}

/**
 * Each organisation is nested under its `parentId`: committee → general branches (党总支) and
 * branches → a general branch's branches → party groups. General branches have no members
 * (`memberCount: null`).
 * Requests: memberships (1), then in parallel the committee's organisations with their
 * party groups joined by `$lookup` (1) and the active members counted per branch and party
 * group by a `$group` served by the `committeeId_status` index (1): 3. Reported members
 * (双报到) are in another collection and never counted.
 */
export const tree: ActionDef<'branch', 'tree'> = {
  kind: 'read',
  schema: z.object({ committeeId: idSchema.optional() }).optional(),
  async handler(data, { openid, db }) {
    const { actor } = await loadActor(db, openid);
    const committeeId =
      data?.committeeId ?? actor.memberships.find((m) => m.committeeId)?.committeeId ?? null;
    if (!committeeId || !can(actor, 'tree', { committeeId })) throw forbidden();
    const $ = db.command.aggregate;
    const [orgRes, countRes] = await Promise.all([
      db
        .collection(COLLECTIONS.organizations)
        .aggregate()
        .match({ committeeId })
        .limit(MAX_TREE)
        .lookup({
          from: COLLECTIONS.partyGroups,
          localField: '_id',
          foreignField: 'branchId',
          as: 'groups',
        })
        .end(),
      db
        .collection(COLLECTIONS.memberships)
        .aggregate()
        .match({ committeeId, status: 'active' })
        .group({ _id: { o: '$orgId', g: '$partyGroupId' }, n: $.sum(1) })
        .end(),
    ]);
    const orgs = (orgRes as unknown as { list: OrgRow[] }).list ?? [];
    const counts = (countRes as unknown as { list: CountRow[] }).list ?? [];
    const branchCount = new Map<string, number>();
    const groupCount = new Map<string, number>();
    for (const c of counts) {
      branchCount.set(c._id.o, (branchCount.get(c._id.o) ?? 0) + c.n);
      if (c._id.g) groupCount.set(c._id.g, (groupCount.get(c._id.g) ?? 0) + c.n);
    }
    const nodes = new Map<string, TreeNode>();
    for (const o of orgs) {
      nodes.set(o._id, {
        id: o._id,
        name: o.name,
        type: o.type,
        gridArea: o.gridArea ?? null,
        memberCount: o.type === 'branch' ? (branchCount.get(o._id) ?? 0) : null,
        ...(o.type === 'branch' ? { hasSecretary: o.hasSecretary === true } : {}),
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
    for (const o of orgs) {
      const groups = [...(o.groups ?? [])].sort((a, b) => a.name.localeCompare(b.name));
      for (const g of groups) {
        nodes.get(o._id)?.children.push({
          id: g._id,
          name: g.name,
          type: 'group',
          gridArea: null,
          memberCount: groupCount.get(g._id) ?? 0,
          children: [],
        });
      }
    }
    return { root, canManage: can(actor, 'updateBranch', { committeeId }) };
  },
};

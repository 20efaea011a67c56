/**
 * `branch` actions of committee admins (党委管理员: the secretary and deputy secretary of the
 * committee organisation): create and rename branches, appoint a new branch's first secretary.
 */
import * as z from 'zod';
import {
  AppError,
  COLLECTIONS,
  can,
  committeesWhere,
  findById,
  type ActionDef,
  type MembershipDoc,
  type OrganizationDoc,
} from '../common';
import {
  MSG,
  activeIn,
  cursorSchema,
  decodeCursor,
  escapeRegExp,
  forbidden,
  idSchema,
  isDuplicateKey,
  loadActor,
  maskPhone,
  newId,
  secCheck,
  updatedCount,
  isKeyCursor,
  keyPage,
} from './shared';

const branchName = z.string().trim().min(2, '支部名称至少 2 个字').max(30, '支部名称最多 30 个字');
const gridArea = z.string().trim().min(1, '请填写所属网格').max(50, '网格名称最多 50 个字');
const DUPLICATE_NAME = '本党委已有同名支部';
/** Organisation types committee admins create and rename: branches and general branches. */
const MANAGED: readonly OrganizationDoc['type'][] = ['branch', 'generalBranch'];
const BRANCH_NOT_FOUND = '未找到该支部';

function committeeOf(org: OrganizationDoc): string {
  return org.committeeId ?? org.parentId ?? org._id;
}

/**
 * A branch, or (`kind: 'generalBranch'`) a general branch (党总支) under the committee; a
 * branch may sit under a general branch of the same committee (`parentId`).
 * Requests: the caller's memberships and the parent general branch (1–2, parallel), insert
 * (1); with a requestId: 4–5. The unique `committeeId_name` index refuses a second
 * organisation of the same name in the committee (`CONFLICT`).
 */
export const createBranch: ActionDef<'branch', 'createBranch'> = {
  kind: 'write',
  schema: z
    .object({
      committeeId: idSchema,
      name: branchName,
      gridArea,
      kind: z.enum(['branch', 'generalBranch']).optional(),
      parentId: idSchema.optional(),
    })
    .superRefine((v, ctx) => {
      if (v.kind === 'generalBranch' && v.parentId !== undefined && v.parentId !== v.committeeId) {
        ctx.addIssue({
          code: 'custom',
          path: ['parentId'],
          message: '党总支只能直接隶属于党委',
        });
      }
    }),
  async handler(data, { openid, db, cloud }) {
    const kind = data.kind ?? 'branch';
    const underGeneral = data.parentId !== undefined && data.parentId !== data.committeeId;
    const [{ actor }, parent] = await Promise.all([
      loadActor(db, openid),
      underGeneral
        ? findById<OrganizationDoc>(db, COLLECTIONS.organizations, data.parentId!)
        : Promise.resolve(null),
    ]);
    if (!can(actor, 'createBranch', { committeeId: data.committeeId })) throw forbidden();
    if (
      underGeneral &&
      (!parent || parent.type !== 'generalBranch' || committeeOf(parent) !== data.committeeId)
    ) {
      throw new AppError('NOT_FOUND', '未找到本党委下的该党总支');
    }
    const parentId = underGeneral ? data.parentId! : data.committeeId;
    await secCheck(cloud, openid, `${data.name}\n${data.gridArea}`, 1);
    const org: OrganizationDoc = {
      _id: `org-${newId().slice(0, 20)}`,
      name: data.name,
      type: kind,
      parentId,
      committeeId: data.committeeId,
      gridArea: data.gridArea,
      hasSecretary: false,
      createdAt: new Date(),
      createdBy: openid,
    };
    try {
      await db.collection(COLLECTIONS.organizations).add({ data: org });
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('CONFLICT', DUPLICATE_NAME);
      throw err;
    }
    return {
      branchId: org._id,
      committeeId: data.committeeId,
      name: data.name,
      gridArea: data.gridArea,
      hasSecretary: false as const,
      kind,
      parentId,
    };
  },
};

/**
 * One conditional update restricted to the caller's committees; the branch name kept on its
 * memberships (`branchName`) follows in one multi-document update. Requests: memberships (1),
 * update (1), memberships' names (1, when renamed) or the branch to explain a refusal (1);
 * with a requestId at most 5.
 */
export const updateBranch: ActionDef<'branch', 'updateBranch'> = {
  kind: 'write',
  schema: z
    .object({ branchId: idSchema, name: branchName.optional(), gridArea: gridArea.optional() })
    .superRefine((v, ctx) => {
      if (v.name === undefined && v.gridArea === undefined) {
        ctx.addIssue({ code: 'custom', path: ['name'], message: '请填写要修改的名称或网格' });
      }
    }),
  async handler(data, { openid, db, cloud }) {
    const { actor } = await loadActor(db, openid);
    const mine = committeesWhere(actor, 'updateBranch');
    if (mine.length === 0) throw forbidden();
    const text = [data.name, data.gridArea].filter(Boolean).join('\n');
    await secCheck(cloud, openid, text, 1);
    const _ = db.command;
    const change: Record<string, string> = {};
    if (data.name !== undefined) change.name = data.name;
    if (data.gridArea !== undefined) change.gridArea = data.gridArea;
    let res: unknown;
    try {
      res = await db
        .collection(COLLECTIONS.organizations)
        .where({ _id: data.branchId, type: _.in([...MANAGED]), committeeId: _.in(mine) })
        .update({ data: change });
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('CONFLICT', DUPLICATE_NAME);
      throw err;
    }
    if (updatedCount(res) !== 1) {
      const org = await findById<OrganizationDoc>(db, COLLECTIONS.organizations, data.branchId);
      if (!org || !MANAGED.includes(org.type)) throw new AppError('NOT_FOUND', BRANCH_NOT_FOUND);
      if (!can(actor, 'updateBranch', { committeeId: committeeOf(org) })) throw forbidden();
      // Same values as stored: nothing to change (a retry, or an unchanged form).
    } else if (data.name !== undefined) {
      await db
        .collection(COLLECTIONS.memberships)
        .where({ orgId: data.branchId })
        .update({ data: { branchName: data.name } });
    }
    return { branchId: data.branchId, ...change };
  },
};

/**
 * The first secretary of a branch (`hasSecretary` not yet true). The branch's `hasSecretary`
 * flag is taken with a conditional update first, so of concurrent appointments one wins;
 * then the appointee's membership becomes secretary (moving here when it was in another
 * branch of the committee). If that fails the flag is given back.
 *
 * Not wrapped in the requestId marker (`idempotent: false`): a retry after success finds
 * `hasSecretary` set and the appointee secretary, and answers the same success.
 * Requests: memberships of caller and appointee and the branch (2, parallel), the flag (1),
 * the membership (1), giving the flag back on failure (1): at most 5.
 */
export const appointSecretary: ActionDef<'branch', 'appointSecretary'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ branchId: idSchema, openid: idSchema }),
  async handler(data, { openid, db }) {
    const [{ actor, docs }, org] = await Promise.all([
      loadActor(db, openid, [data.openid]),
      findById<OrganizationDoc>(db, COLLECTIONS.organizations, data.branchId),
    ]);
    if (committeesWhere(actor, 'appointSecretary').length === 0) throw forbidden();
    if (!org || org.type !== 'branch') throw new AppError('NOT_FOUND', BRANCH_NOT_FOUND);
    const committeeId = committeeOf(org);
    if (!can(actor, 'appointSecretary', { committeeId })) throw forbidden();

    const here = activeIn(docs, data.openid, data.branchId);
    if (org.hasSecretary === true) {
      if (here?.role === 'secretary') {
        return { branchId: data.branchId, secretaryOpenid: data.openid, moved: false };
      }
      throw new AppError('CONFLICT', '该支部已有书记，请由现任书记移交', {
        reason: 'hasSecretary',
      });
    }
    // The appointee's organisational membership: here, or in another branch of the committee.
    const elsewhere = docs.find(
      (d: MembershipDoc) =>
        d.openid === data.openid &&
        d.status === 'active' &&
        d.orgId !== data.branchId &&
        d.orgId !== committeeId &&
        d.fullKey === data.openid &&
        (d.committeeId ?? '') === committeeId,
    );
    const t = here ?? elsewhere;
    if (!t) throw new AppError('NOT_FOUND', MSG.memberNotFound);
    if (t.role === 'activist') throw new AppError('CONFLICT', '入党积极分子不能担任书记');
    if (t.role === 'secretary') {
      throw new AppError('CONFLICT', '该同志是其他支部的书记，请先移交其书记职务');
    }

    const _ = db.command;
    const orgs = db.collection(COLLECTIONS.organizations);
    const took = await orgs
      .where({ _id: data.branchId, hasSecretary: _.neq(true) })
      .update({ data: { hasSecretary: true } });
    if (updatedCount(took) !== 1) {
      throw new AppError('CONFLICT', '该支部已有书记，请由现任书记移交', {
        reason: 'hasSecretary',
      });
    }
    const moved = !here;
    const change = moved
      ? {
          orgId: data.branchId,
          branchName: org.name,
          committeeId,
          role: 'secretary',
          partyGroupId: null,
          partyGroupName: null,
          transferTo: null,
          transferAt: null,
          joinedAt: new Date(),
        }
      : { role: 'secretary' };
    let ok = false;
    try {
      const res = await db
        .collection(COLLECTIONS.memberships)
        .where({
          _id: t._id,
          status: 'active',
          orgId: t.orgId,
          role: _.nin(['secretary', 'activist']),
        })
        .update({ data: change });
      ok = updatedCount(res) === 1;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    if (!ok) {
      await orgs.where({ _id: data.branchId }).update({ data: { hasSecretary: false } });
      throw new AppError('CONFLICT', '该同志的状态已变化，请刷新后重试');
    }
    return { branchId: data.branchId, secretaryOpenid: data.openid, moved };
  },
};

/**
 * Party members of the committee's branches by name, for a committee admin choosing a new
 * branch's secretary. Active memberships with the committee's `committeeId`, excluding the
 * committee organisation's own memberships (its admins) and activists; phones always masked
 * (a committee admin is not a secretary of those branches). The `committeeId_status_sortKey`
 * index serves the filter and the order, so a page stops after 21 matches.
 * Requests: the caller's memberships (1), one page (1): 2.
 */
export const searchCommitteeMembers: ActionDef<'branch', 'searchCommitteeMembers'> = {
  kind: 'read',
  schema: z.object({
    committeeId: idSchema,
    keyword: z
      .string({ error: '请填写要搜索的姓名' })
      .trim()
      .min(1, '请填写要搜索的姓名')
      .max(20, '姓名关键词最多 20 个字'),
    cursor: cursorSchema.optional(),
  }),
  async handler(data, { openid, db }) {
    const after = decodeCursor(data.cursor, isKeyCursor);
    const { actor } = await loadActor(db, openid);
    if (!can(actor, 'searchCommitteeMembers', { committeeId: data.committeeId })) {
      throw forbidden();
    }
    const _ = db.command;
    const where: Record<string, unknown> = {
      committeeId: data.committeeId,
      status: 'active',
      orgId: _.neq(data.committeeId),
      role: _.neq('activist'),
      realName: db.RegExp({ regexp: escapeRegExp(data.keyword) }),
    };
    const { page, nextCursor } = await keyPage<MembershipDoc, 'sortKey'>(
      db,
      COLLECTIONS.memberships,
      where,
      'sortKey',
      after,
    );
    return {
      items: page.map((m) => ({
        openid: m.openid,
        name: m.realName ?? '',
        branchId: m.orgId,
        branchName: m.branchName ?? '',
        role: m.role,
        phoneMasked: maskPhone(m.phone),
      })),
      nextCursor,
    };
  },
};

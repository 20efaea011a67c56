/**
 * Volunteer teams (志愿服务队): a branch's teams, created by its organisers, joined and left
 * by its members. A team is tens of people, so its members are an array in the team document:
 * joining is one conditional update (`members` does not yet hold the caller), leaving one
 * conditional pull, so the count stays right under concurrency.
 */
import * as z from 'zod';
import type { TeamItem } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  can,
  fetchAll,
  findById,
  type ActionDef,
  type Database,
} from '../common';
import type { VolunteerTeamDoc } from '../common/model';
import { isDuplicateKey, loadActor, newId, secCheck, updatedCount } from '../common/util';
import { MSG, forbidden, idSchema } from './shared';

/** Teams listed for a branch (a branch has a handful). */
const MAX_TEAMS = 100;

function teamItem(t: VolunteerTeamDoc, openid: string): TeamItem {
  return {
    teamId: t._id,
    name: t.name,
    description: t.description,
    memberCount: t.memberCount,
    joined: (t.members ?? []).includes(openid),
  };
}

/** Members of the branch. Requests: memberships (1), the teams (1, index `branchId_name`): 2. */
export const listTeams: ActionDef<'activity', 'listTeams'> = {
  kind: 'read',
  schema: z.object({ branchId: idSchema }),
  async handler(data, { openid, db }) {
    const { actor } = await loadActor(db, openid);
    const branch = { branchId: data.branchId };
    if (!can(actor, 'volunteerTeams', branch)) throw forbidden();
    const teams = await fetchAll<VolunteerTeamDoc>(
      db
        .collection(COLLECTIONS.volunteerTeams)
        .where({ branchId: data.branchId })
        .orderBy('name', 'asc')
        .limit(MAX_TEAMS),
    );
    return {
      items: teams.map((t) => teamItem(t, openid)),
      canManage: can(actor, 'organiseActivity', branch),
    };
  },
};

/**
 * Organisers. The name is unique in the branch (unique index `branchId_name`: two organisers
 * creating the same team at once make one). Requests: memberships (1), insert (1); with a
 * requestId 2 more: 4.
 */
export const createTeam: ActionDef<'activity', 'createTeam'> = {
  kind: 'write',
  schema: z.object({
    branchId: idSchema,
    name: z.string().trim().min(2, '服务队名称至少 2 个字').max(20, '服务队名称不能超过 20 个字'),
    description: z.string().trim().max(200, '服务队简介不能超过 200 个字').optional(),
  }),
  async handler(data, { openid, db, cloud }) {
    const { actor } = await loadActor(db, openid);
    if (!can(actor, 'organiseActivity', { branchId: data.branchId })) {
      throw forbidden(MSG.notOrganiser);
    }
    const verdict = await secCheck(
      cloud,
      openid,
      `${data.name}\n${data.description ?? ''}`.trim(),
      3,
    );
    // A team's name is on every activity of it: one that needs review is not created.
    if (verdict === 'review') {
      throw new AppError('CONTENT_RISKY', '服务队名称或简介需要修改后再提交');
    }
    const team: VolunteerTeamDoc = {
      _id: newId(),
      branchId: data.branchId,
      name: data.name,
      description: data.description ?? '',
      members: [],
      memberCount: 0,
      createdBy: openid,
      createdAt: new Date(),
    };
    try {
      await db.collection(COLLECTIONS.volunteerTeams).add({ data: team });
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('CONFLICT', MSG.teamExists);
      throw err;
    }
    return { teamId: team._id, memberCount: 0, joined: false };
  },
};

async function loadTeam(db: Database, teamId: string) {
  const team = await findById<VolunteerTeamDoc>(db, COLLECTIONS.volunteerTeams, teamId);
  if (!team) throw new AppError('NOT_FOUND', MSG.teamNotFound);
  return team;
}

/**
 * Members of the team's branch. Joining again answers the same (`idempotent: false`).
 * Requests: the team and the caller's memberships (2, parallel), the conditional update (1): 3.
 */
export const joinTeam: ActionDef<'activity', 'joinTeam'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ teamId: idSchema }),
  async handler(data, { openid, db }) {
    const [team, { actor }] = await Promise.all([loadTeam(db, data.teamId), loadActor(db, openid)]);
    if (!can(actor, 'volunteerTeams', { branchId: team.branchId })) throw forbidden();
    if ((team.members ?? []).includes(openid)) {
      return { teamId: team._id, memberCount: team.memberCount, joined: true };
    }
    const _ = db.command;
    const res = await db
      .collection(COLLECTIONS.volunteerTeams)
      .where({ _id: team._id, members: _.neq(openid) })
      .update({ data: { members: _.push(openid), memberCount: _.inc(1) } });
    const added = updatedCount(res) === 1 ? 1 : 0;
    return { teamId: team._id, memberCount: team.memberCount + added, joined: true };
  },
};

/**
 * Members of the team (also after leaving the branch). Leaving again answers `joined: false`
 * to a member of the branch (`idempotent: false`). Requests: the team (1), the conditional
 * pull (1) — or, when the caller is not in the team, their memberships (1): 2.
 */
export const leaveTeam: ActionDef<'activity', 'leaveTeam'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ teamId: idSchema }),
  async handler(data, { openid, db }) {
    const team = await loadTeam(db, data.teamId);
    if (!(team.members ?? []).includes(openid)) {
      const { actor } = await loadActor(db, openid);
      if (!can(actor, 'volunteerTeams', { branchId: team.branchId })) throw forbidden();
      return { teamId: team._id, memberCount: team.memberCount, joined: false };
    }
    const _ = db.command;
    const res = await db
      .collection(COLLECTIONS.volunteerTeams)
      .where({ _id: team._id, members: openid })
      .update({ data: { members: _.pull(openid), memberCount: _.inc(-1) } });
    const removed = updatedCount(res) === 1 ? 1 : 0;
    return { teamId: team._id, memberCount: team.memberCount - removed, joined: false };
  },
};

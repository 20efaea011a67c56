import * as z from 'zod';
import type { BranchSummary, MeResponse } from '../../typings/api';
import {
  COLLECTIONS,
  fetchAll,
  findById,
  toTime,
  type ActionDef,
  type MembershipDoc,
  type OrganizationDoc,
  type UserDoc,
} from '../common';

/** A person belongs to few organisations; the cap keeps the read bounded whatever the data. */
const MAX_MEMBERSHIPS = 20;

/**
 * Who the caller is and which branches they belong to: what the app needs on launch.
 * Three database requests at most (the first two in parallel), whatever the data size.
 */
export const me: ActionDef<'user', 'me'> = {
  kind: 'read',
  // Unknown keys (an `openid`, say) are stripped, never read: identity is the caller's.
  schema: z.object({}).optional(),
  async handler(_data, { openid, db }) {
    const [user, memberships] = await Promise.all([
      findById<UserDoc>(db, COLLECTIONS.users, openid),
      // Served by the memberships.openid_orgId index (openid is its prefix).
      fetchAll<MembershipDoc>(
        db
          .collection(COLLECTIONS.memberships)
          .where({ openid, status: 'active' })
          .limit(MAX_MEMBERSHIPS),
      ),
    ]);

    const serverTime = new Date().toISOString();
    if (!user) {
      return { registered: false, nickname: null, kind: 'guest', branches: [], serverTime };
    }

    const active = [...memberships].sort(
      (a, b) => toTime(a.joinedAt) - toTime(b.joinedAt) || a.orgId.localeCompare(b.orgId),
    );

    let branches: BranchSummary[] = [];
    if (active.length > 0) {
      const _ = db.command;
      const orgIds = [...new Set(active.map((m) => m.orgId))];
      const orgs = await fetchAll<OrganizationDoc>(
        db
          .collection(COLLECTIONS.organizations)
          .where({ _id: _.in(orgIds) })
          .limit(orgIds.length),
      );
      const names = new Map(orgs.map((o) => [o._id, o.name]));
      // A membership whose organisation was removed is not shown rather than shown blank.
      branches = active.flatMap((m) => {
        const name = names.get(m.orgId);
        return name === undefined ? [] : [{ id: m.orgId, name, role: m.role }];
      });
    }

    const result: MeResponse = {
      registered: true,
      nickname: user.nickname,
      kind: branches.length > 0 ? 'member' : 'resident',
      branches,
      serverTime,
    };
    return result;
  },
};

/**
 * The `branch` cloud function (网上支部): organisation, joining with approval, roles,
 * directory, identity card, party groups, transfers and notices. Permissions are decided
 * by common/policy.ts alone (docs/permissions.md).
 */
import { defineFunction } from '../common';
import {
  acceptTransfer,
  applyToJoin,
  cancelTransfer,
  declineTransfer,
  listInvites,
  createInvite,
  handOverSecretary,
  leaveBranch,
  listApplications,
  listMembers,
  listTransfers,
  me,
  memberCard,
  myApplications,
  reviewApplication,
  revokeInvite,
  setRole,
  transferMember,
  updateProfile,
} from './members';
import { appointSecretary, createBranch, searchCommitteeMembers, updateBranch } from './admin';
import { endReport, listReports, reportToBranch, reviewReport } from './reports';
import {
  listNotices,
  moderateNotice,
  noticeReads,
  postNotice,
  readNotice,
  remindUnread,
} from './notices';
import { assignGroup, createGroup, renameGroup, tree } from './org';

export const main = defineFunction({
  name: 'branch',
  actions: {
    me,
    createInvite,
    revokeInvite,
    listInvites,
    applyToJoin,
    myApplications,
    listApplications,
    reviewApplication,
    listMembers,
    memberCard,
    setRole,
    handOverSecretary,
    leaveBranch,
    transferMember,
    listTransfers,
    acceptTransfer,
    declineTransfer,
    cancelTransfer,
    createGroup,
    assignGroup,
    tree,
    postNotice,
    listNotices,
    readNotice,
    noticeReads,
    remindUnread,
    moderateNotice,
    createBranch,
    updateBranch,
    appointSecretary,
    searchCommitteeMembers,
    renameGroup,
    reportToBranch,
    reviewReport,
    endReport,
    listReports,
    updateProfile,
  },
});

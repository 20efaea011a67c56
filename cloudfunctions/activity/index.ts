/**
 * The `activity` cloud function (issue #6): the branch's regular life (三会一课, 主题党日) with
 * replies, leave, attendance and minutes; volunteer services with teams, places taken
 * atomically and a waitlist, QR check-in / check-out, service hours, good deeds, records,
 * certificates and Excel exports; and the `remind` timer. Permissions are decided by
 * common/policy.ts alone (docs/permissions.md); the contract is typings/activity.ts.
 */
import { defineFunction } from '../common';
import { cancelActivity, create, get, list, mine, update } from './activities';
import { cancel, listSignups, revealPhone, signUp } from './signups';
import {
  attendance,
  attendanceStats,
  decideLeave,
  markAttendance,
  postMinutes,
  reply,
} from './meetings';
import { createTeam, joinTeam, leaveTeam, listTeams } from './teams';
import { checkIn, checkInToken, checkOut } from './checkin';
import { confirmHours } from './hours';
import { certificate, goodDeeds, myRecord, recordGoodDeeds } from './records';
import { exportHours, exportSignups } from './export';
import { remind } from './remind';
import { moderate } from './moderate';

export const main = defineFunction({
  name: 'activity',
  actions: {
    create,
    update,
    cancelActivity,
    moderate,
    list,
    get,
    mine,
    signUp,
    cancel,
    listSignups,
    revealPhone,
    reply,
    attendance,
    decideLeave,
    markAttendance,
    postMinutes,
    attendanceStats,
    checkInToken,
    checkIn,
    checkOut,
    confirmHours,
    listTeams,
    createTeam,
    joinTeam,
    leaveTeam,
    myRecord,
    certificate,
    recordGoodDeeds,
    goodDeeds,
    exportSignups,
    exportHours,
  },
  timers: { remind },
});

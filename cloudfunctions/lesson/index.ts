/**
 * The `lesson` cloud function (微党课, issue #5): composing and publishing micro party
 * lessons (now, or on schedule by the `publishScheduled` timer), studying them, the quiz
 * graded on the server, reflections, topic requests, the secretary's statistics and
 * reminders, and the points ledger. Permissions are decided by common/policy.ts alone
 * (docs/permissions.md); the contract is typings/lesson.ts.
 */
import { defineFunction } from '../common';
import {
  composeOptions,
  create,
  moderate,
  publish,
  publishScheduled,
  remove,
  unschedule,
  update,
} from './compose';
import { complete, get, list, submitQuiz } from './study';
import { overview, remind, stats } from './follow';
import {
  adoptTopic,
  hideReflection,
  listReflections,
  listTopics,
  postReflection,
  proposeTopic,
  supportTopic,
} from './community';
import { myPoints } from './points';

export const main = defineFunction({
  name: 'lesson',
  actions: {
    composeOptions,
    create,
    update,
    publish,
    unschedule,
    remove,
    moderate,
    list,
    get,
    complete,
    submitQuiz,
    stats,
    overview,
    remind,
    listReflections,
    postReflection,
    hideReflection,
    listTopics,
    proposeTopic,
    supportTopic,
    adoptTopic,
    myPoints,
  },
  timers: { publishScheduled },
});

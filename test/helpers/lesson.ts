/**
 * Shared by the `lesson` cloud tests: the demo seed in a fresh strict emulator (from
 * helpers/branch), typed calls to the `lesson` function, and lesson fixtures.
 */
import type { ActionName, ActionReq, ActionRes, Result } from '../../typings/api';
import type { TestEmulator } from './emulator';

export type LessonAction = ActionName<'lesson'>;

export interface LessonCalled<A extends LessonAction> {
  result: Result<ActionRes<'lesson', A>>;
  dbRequests: number;
}

export function lessonCaller(emu: () => TestEmulator) {
  return async function call<A extends LessonAction>(
    openid: string,
    action: A,
    data?: ActionReq<'lesson', A> | Record<string, unknown>,
    requestId?: string,
  ): Promise<LessonCalled<A>> {
    const event: Record<string, unknown> = { action };
    if (data !== undefined) event.data = data;
    if (requestId !== undefined) event.requestId = requestId;
    const { result, dbRequests, error } = (await emu().call('lesson', event, { openid })) as {
      result: unknown;
      dbRequests: number;
      error?: unknown;
    };
    if (error) throw new Error(`invocation failed: ${JSON.stringify(error)}`);
    return { result: result as Result<ActionRes<'lesson', A>>, dbRequests };
  };
}

export const B1 = 'org-branch-1';
/** The emulator's environment is `local`; its storage names files like this. */
export const FILE_PREFIX = 'cloud://local.6c6f-local-1250000000/lessons/';

/** A minimal valid lesson for `create` (title and body), with optional extras. */
export function lessonInput(extra: Record<string, unknown> = {}) {
  return {
    branchId: B1,
    title: '学习新思想 做好接班人',
    body: [
      { type: 'h', text: '一、为什么要学' },
      { type: 'p', runs: [{ text: '党员要' }, { text: '坚持学习', bold: true }, { text: '。' }] },
      { type: 'ul', items: [[{ text: '学原文' }], [{ text: '悟原理' }]] },
    ],
    ...extra,
  };
}

/** Two questions: one single choice (answer B), one multiple choice (answers A and C). */
export const QUIZ = [
  {
    text: '支部党员大会一般每季度召开几次？',
    kind: 'single',
    options: ['半次', '一次', '三次'],
    answer: [1],
    explanation: '解析甲：党员大会一般每季度召开一次。',
  },
  {
    text: '“三会一课”包括哪些？',
    kind: 'multiple',
    options: ['支部党员大会', '茶话会', '党小组会'],
    answer: [0, 2],
    explanation: '解析乙：支部党员大会、支部委员会、党小组会和党课。',
  },
];

/**
 * A stored lesson for `emu.seed` (fields as cloudfunctions/common/model.ts `LessonDoc`):
 * published in branch 1 for the whole branch, with one single-choice question (answer 0)
 * unless `extra` says otherwise.
 */
export function lessonDoc(id: string, extra: Record<string, unknown> = {}) {
  const at = new Date(Date.now() - 3600_000);
  return {
    _id: id,
    branchId: B1,
    committeeId: 'org-committee',
    title: `测试课 ${id}`,
    summary: '摘要',
    body: [{ type: 'p', runs: [{ text: '正文' }] }],
    coverFileID: null,
    media: null,
    minutes: 5,
    audience: { kind: 'branch' },
    audienceKeys: ['all'],
    quiz: [
      {
        questionId: 'q1',
        text: '选第一个',
        kind: 'single',
        options: ['对', '错'],
        answer: [0],
        explanation: '秘密解析',
      },
    ],
    status: 'published',
    needsReview: false,
    heldIntent: null,
    publishAt: null,
    publishedAt: at,
    listAt: at,
    authorOpenid: 'demo-secretary',
    authorName: '王建国',
    createdAt: at,
    updatedAt: at,
    remindedOn: null,
    ...extra,
  };
}

/** A study record for `emu.seed` (studied, no quiz answered yet unless `extra` says). */
export function progressDoc(lessonId: string, openid: string, extra: Record<string, unknown> = {}) {
  const at = new Date(Date.now() - 1800_000);
  return {
    _id: `p-${lessonId}-${openid}`,
    lessonId,
    openid,
    branchId: B1,
    studiedAt: at,
    quizBest: {},
    attempts: 0,
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

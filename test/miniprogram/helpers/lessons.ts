/** Answers of the `lesson` function as the contract (typings/lesson.ts) shapes them. */
import type {
  LessonDetail,
  LessonItem,
  LessonStatsResponse,
  QuizQuestionView,
  RichTextNode,
  SubmitQuizResponse,
} from '../../../typings/api';
import { BRANCH_CONTEXT_KEY } from '../../../miniprogram/utils/branch-context';

export const MEMBER_BRANCH = {
  [BRANCH_CONTEXT_KEY]: {
    branchId: 'b1',
    branchName: '幸福里社区第一党支部',
    committeeId: 'c1',
    role: 'member',
  },
};

export const lessonItem = (id: string, extra: Partial<LessonItem> = {}): LessonItem => ({
  lessonId: id,
  branchId: 'b1',
  title: `微党课${id}`,
  summary: `摘要${id}`,
  cover: null,
  coverFileID: null,
  minutes: 8,
  mediaKind: null,
  questionCount: 0,
  status: 'published',
  publishedAt: '2025-03-01T01:00:00.000Z',
  publishAt: null,
  updatedAt: '2025-03-01T01:00:00.000Z',
  authorName: '王建国',
  audience: { kind: 'branch', groups: [], label: '全体党员' },
  forMe: true,
  studied: false,
  bestScore: null,
  ...extra,
});

export const NODES: RichTextNode[] = [
  { name: 'h3', attrs: { class: 'lesson-h' }, children: [{ type: 'text', text: '一、为什么学' }] },
  {
    name: 'p',
    attrs: { class: 'lesson-p' },
    children: [
      { type: 'text', text: '全心全意为人民服务，' },
      { name: 'strong', children: [{ type: 'text', text: '是党的根本宗旨' }] },
      { type: 'text', text: '<script>alert(1)</script>' },
    ],
  },
];

export const QUESTIONS: QuizQuestionView[] = [
  {
    questionId: 'qa',
    text: '党的根本宗旨是什么？',
    kind: 'single',
    options: ['全心全意为人民服务', '发展经济', '维护稳定'],
  },
  {
    questionId: 'qb',
    text: '三会一课包括哪些？',
    kind: 'multiple',
    options: ['支部党员大会', '支委会', '党小组会', '茶话会'],
  },
];

export const lessonDetail = (extra: Partial<LessonDetail> = {}): LessonDetail => ({
  ...lessonItem('l1', { title: '全心全意为人民服务', questionCount: 2 }),
  nodes: NODES,
  media: null,
  questions: QUESTIONS,
  my: { studied: false, studiedAt: null, bestScore: null, attempts: 0, passed: false },
  canManage: false,
  canModerate: false,
  reflectionCount: 3,
  ...extra,
});

export const quizResult = (extra: Partial<SubmitQuizResponse> = {}): SubmitQuizResponse => ({
  lessonId: 'l1',
  score: 1,
  total: 2,
  passed: false,
  bestScore: 1,
  attempts: 1,
  results: [
    { questionId: 'qa', correct: true, chosen: [0], answer: [0], explanation: '这是党章规定的。' },
    {
      questionId: 'qb',
      correct: false,
      chosen: [0, 3],
      answer: [0, 1, 2],
      explanation: '三会一课：支部党员大会、支委会、党小组会和党课。',
    },
  ],
  points: null,
  ...extra,
});

export const lessonStats = (extra: Partial<LessonStatsResponse> = {}): LessonStatsResponse => ({
  lessonId: 'l1',
  title: '全心全意为人民服务',
  status: 'published',
  studied: 12,
  audience: 30,
  notStudied: [
    { membershipId: 'm1', name: '李秀英', partyGroupName: '第一党小组' },
    { membershipId: 'm2', name: '张伟', partyGroupName: null },
  ],
  nextCursor: null,
  quiz: { questionCount: 2, takers: 10, average: 1.6, passed: 8 },
  remindedOn: null,
  canRemind: true,
  ...extra,
});

/**
 * 课后测试 of a lesson (`?id=<lessonId>`). One call on open: `lesson.get`, whose questions carry
 * no answers or explanations (nor does anything this page holds before submitting). Single
 * choice is a radio group, multiple choice a checkbox group; every question must be answered
 * before 提交答案 (the unanswered ones are named). `lesson.submitQuiz` grades on the server and
 * only then do the right answers and explanations arrive: the results say per question what
 * was chosen and what was right, the score, the best score kept so far and any points. 再答一次
 * starts a new attempt (a new requestId; a failed submit is retried with the same one until
 * an answer changes). The quiz opens after the lesson is studied (the server says so too).
 */
import type { QuizQuestionView, SubmitQuizResponse } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { Intents } from '../../utils/intents';
import { letter, pointsText, scoreText } from '../../utils/lesson';
import { decodeQuery } from '../../utils/nav';
import { pageState } from '../../utils/page';

type Status = 'loading' | 'error' | 'ready';

interface QuestionRow {
  questionId: string;
  no: number;
  text: string;
  kind: 'single' | 'multiple';
  kindText: string;
  options: { label: string; value: number }[];
}

interface ResultOption {
  label: string;
  right: boolean;
  chosen: boolean;
}

interface ResultRow {
  questionId: string;
  no: number;
  text: string;
  correct: boolean;
  options: ResultOption[];
  chosenText: string;
  answerText: string;
  explanation: string;
}

/** Single: the option index or -1; multiple: the chosen indexes. */
type Pick = number | number[];

function toRow(q: QuizQuestionView, i: number): QuestionRow {
  return {
    questionId: q.questionId,
    no: i + 1,
    text: q.text,
    kind: q.kind,
    kindText: q.kind === 'multiple' ? '多选' : '单选',
    options: q.options.map((o, j) => ({ label: `${letter(j)}. ${o}`, value: j })),
  };
}

const letters = (idx: number[]) =>
  idx.length
    ? [...idx]
        .sort((a, b) => a - b)
        .map(letter)
        .join('、')
    : '未作答';

function toResults(questions: QuestionRow[], r: SubmitQuizResponse): ResultRow[] {
  const byId = new Map(r.results.map((x) => [x.questionId, x]));
  return questions.map((q) => {
    const x = byId.get(q.questionId);
    const answer = x?.answer ?? [];
    const chosen = x?.chosen ?? [];
    return {
      questionId: q.questionId,
      no: q.no,
      text: q.text,
      correct: !!x?.correct,
      options: q.options.map((o) => ({
        label: o.label,
        right: answer.includes(o.value),
        chosen: chosen.includes(o.value),
      })),
      chosenText: letters(chosen),
      answerText: letters(answer),
      explanation: x?.explanation ?? '',
    };
  });
}

interface PageState {
  busy: boolean;
  intents: Intents;
}
const st = pageState<PageState>(() => ({ busy: false, intents: new Intents() }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    lessonId: '',
    title: '',
    /** The lesson has not been studied yet: the quiz waits. */
    needStudy: false,
    questions: [] as QuestionRow[],
    picked: [] as Pick[],
    bestText: '',
    phase: 'answering' as 'answering' | 'result',
    unanswered: '',
    submitting: false,
    submitError: '',
    score: '',
    passed: false,
    resultBest: '',
    attempts: 0,
    pointsResult: '',
    results: [] as ResultRow[],
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), lessonId: options.id ?? '' });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('lesson', 'get', { lessonId: this.data.lessonId });
      s.busy = false;
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const d = res.data;
      const questions = d.questions.map(toRow);
      if (questions.length === 0) {
        this.setData({ status: 'error', errorMessage: '这节微党课没有测试题' });
        return;
      }
      this.setData({
        status: 'ready',
        title: d.title,
        needStudy: !d.my.studied,
        questions,
        picked: questions.map((q) => (q.kind === 'multiple' ? [] : -1)),
        bestText: d.my.bestScore === null ? '' : scoreText(d.my.bestScore, questions.length),
        phase: 'answering',
      });
    },

    onRetry() {
      void this.load();
    },

    /** A choice changed: a new submission intent. */
    onPick(e: WechatMiniprogram.CustomEvent<{ value: number | number[] | null }>) {
      const i = Number((e.currentTarget as { dataset?: { index?: unknown } }).dataset?.index);
      const q = this.data.questions[i];
      if (!q || this.data.phase !== 'answering') return;
      const v = e.detail.value;
      const pick: Pick =
        q.kind === 'multiple'
          ? (Array.isArray(v) ? v : []).map(Number)
          : v === null || v === undefined
            ? -1
            : Number(v);
      st(this).intents.done('submit');
      this.setData({ [`picked[${i}]`]: pick, unanswered: '', submitError: '' });
    },

    async onSubmit() {
      if (this.data.submitting || this.data.phase !== 'answering') return;
      const { questions, picked } = this.data;
      const missing = questions
        .filter((_, i) => {
          const p = picked[i];
          return Array.isArray(p) ? p.length === 0 : p < 0;
        })
        .map((q) => q.no);
      if (missing.length) {
        this.setData({ unanswered: `第 ${missing.join('、')} 题还没有作答` });
        return;
      }
      const answers = questions.map((q, i) => {
        const p = picked[i];
        return { questionId: q.questionId, choices: Array.isArray(p) ? [...p] : [p] };
      });
      const s = st(this);
      this.setData({ submitting: true, submitError: '', unanswered: '' });
      const res = await call(
        'lesson',
        'submitQuiz',
        { lessonId: this.data.lessonId, answers },
        { requestId: s.intents.id('submit') },
      );
      this.setData({ submitting: false });
      if (!res.ok) {
        this.setData({ submitError: res.error.message });
        return;
      }
      s.intents.done('submit');
      const r = res.data;
      this.setData({
        phase: 'result',
        score: scoreText(r.score, r.total),
        passed: r.passed,
        resultBest: scoreText(r.bestScore, r.total),
        bestText: scoreText(r.bestScore, r.total),
        attempts: r.attempts,
        pointsResult: pointsText(r.points, '测试通过'),
        results: toResults(questions, r),
      });
      try {
        wx.pageScrollTo({ scrollTop: 0, duration: 0 });
      } catch {
        // Stay where the page is.
      }
    },

    onAgain() {
      st(this).intents.done('submit');
      this.setData({
        phase: 'answering',
        picked: this.data.questions.map((q) => (q.kind === 'multiple' ? [] : -1)),
        results: [],
        unanswered: '',
        submitError: '',
        pointsResult: '',
      });
      try {
        wx.pageScrollTo({ scrollTop: 0, duration: 0 });
      } catch {
        // Stay where the page is.
      }
    },

    onBack() {
      try {
        wx.navigateBack();
      } catch {
        // Opened directly: stay.
      }
    },
  },
});

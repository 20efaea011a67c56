/**
 * 微党课 reader (`?id=<lessonId>`; the reminder subscribe message opens exactly this route).
 * One call on open: `lesson.get`. Cover, title and facts, audio (TDesign buttons over
 * `wx.createInnerAudioContext`, made on the first 播放) or video (`<video>`), and the body as
 * `<rich-text nodes>` exactly as the server built it from its safe block structure (the client
 * never builds HTML). The page holds no quiz questions: only their number.
 *
 * Studied means reached the end and confirmed, never a timer: 「我已学完」 stays disabled until
 * the end marker under the body has been on screen (an IntersectionObserver on `#lesson-end`,
 * which also covers a lesson short enough to fit the screen) or the page was scrolled to the
 * bottom (`onReachBottom`); the tap is the member's confirmation → `lesson.complete`
 * (requestId kept across a retry), which says what points it earned. Then 开始答题 (quiz
 * page) when the lesson has questions, and 学习心得. Composers also get 学习情况 and 编辑.
 */
import type { LessonDetail, LessonMediaKind, RichTextNode } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { formatDate, relativeTime } from '../../utils/format';
import { Intents } from '../../utils/intents';
import { LESSON_STATUS_TEXT, lessonFacts, pointsText, scoreText } from '../../utils/lesson';
import { ROUTES, decodeQuery, go } from '../../utils/nav';
import { pageState } from '../../utils/page';

type Status = 'loading' | 'error' | 'ready';

interface Observer {
  disconnect(): void;
}
interface Audio {
  src: string;
  play(): void;
  pause(): void;
  destroy(): void;
  onPlay(fn: () => void): void;
  onPause(fn: () => void): void;
  onEnded(fn: () => void): void;
  onError(fn: (e: { errMsg?: string }) => void): void;
  onTimeUpdate(fn: () => void): void;
  currentTime: number;
  duration: number;
}

interface PageState {
  busy: boolean;
  intents: Intents;
  observer: Observer | null;
  audio: Audio | null;
}
const st = pageState<PageState>(() => ({
  busy: false,
  intents: new Intents(),
  observer: null,
  audio: null,
}));

const clock = (sec: number) => {
  const t = Math.max(0, Math.floor(sec || 0));
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
};

/** Only what the template shows goes into setData (first setData budget, §6). */
function toView(d: LessonDetail) {
  const published = d.status === 'published';
  return {
    title: d.title,
    cover: d.cover ?? '',
    facts: lessonFacts(d),
    meta: `${d.authorName} · ${d.publishedAt ? relativeTime(d.publishedAt) : '未发布'} · 学习对象：${d.audience.label}`,
    statusText: published ? '' : LESSON_STATUS_TEXT[d.status],
    nodes: d.nodes as RichTextNode[],
    mediaKind: (d.media?.url ? d.media.kind : '') as '' | LessonMediaKind,
    mediaUrl: d.media?.url ?? '',
    mediaMissing: !!d.media && !d.media.url,
    questionCount: d.questions.length,
    canStudy: published && d.forMe,
    studied: d.my.studied,
    studiedText: d.my.studiedAt ? `${formatDate(d.my.studiedAt)}已学完` : '',
    bestText: d.my.bestScore === null ? '' : scoreText(d.my.bestScore, d.questions.length),
    passed: d.my.passed,
    attempts: d.my.attempts,
    canManage: d.canManage,
    reflectionCount: d.reflectionCount,
  };
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    lessonId: '',
    title: '',
    cover: '',
    facts: '',
    meta: '',
    statusText: '',
    nodes: [] as RichTextNode[],
    mediaKind: '' as '' | LessonMediaKind,
    mediaUrl: '',
    mediaMissing: false,
    questionCount: 0,
    canStudy: false,
    studied: false,
    studiedText: '',
    bestText: '',
    passed: false,
    attempts: 0,
    canManage: false,
    reflectionCount: 0,
    /** The end of the body has been seen: 「我已学完」 may be tapped. */
    reachedEnd: false,
    completing: false,
    completeError: '',
    pointsResult: '',
    playing: false,
    audioText: '',
    audioPercent: 0,
    audioError: '',
  },

  lifetimes: {
    detached() {
      const s = st(this);
      s.observer?.disconnect();
      s.observer = null;
      s.audio?.destroy();
      s.audio = null;
    },
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), lessonId: options.id ?? '' });
      void this.load();
    },

    onShow() {
      // Back from the quiz: the best score may have changed. Quiet, and only once shown.
      if (this.data.status === 'ready' && this.data.questionCount > 0 && this.data.studied) {
        void this.load(true);
      }
    },

    onUnload() {
      const s = st(this);
      s.observer?.disconnect();
      s.observer = null;
      s.audio?.destroy();
      s.audio = null;
    },

    async load(quiet = false) {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      if (!quiet) this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('lesson', 'get', { lessonId: this.data.lessonId });
      s.busy = false;
      if (!res.ok) {
        if (!quiet) this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const view = toView(res.data);
      if (quiet) {
        const { bestText, passed, attempts, reflectionCount } = view;
        this.setData({ bestText, passed, attempts, reflectionCount });
        return;
      }
      this.setData({ status: 'ready', ...view }, () => this.watchEnd());
      try {
        wx.setNavigationBarTitle({ title: res.data.title });
      } catch {
        // Title stays 微党课.
      }
    },

    onRetry() {
      void this.load();
    },

    /** Watch the end marker once the body is on screen (not needed once studied). */
    watchEnd() {
      const s = st(this);
      s.observer?.disconnect();
      s.observer = null;
      if (!this.data.canStudy || this.data.studied || this.data.reachedEnd) return;
      try {
        const observer = this.createIntersectionObserver({}) as unknown as {
          relativeToViewport(m?: Record<string, number>): {
            observe(sel: string, cb: (r: { intersectionRatio: number }) => void): void;
          };
          disconnect(): void;
        };
        observer.relativeToViewport({ bottom: 0 }).observe('#lesson-end', (r) => this.onEndSeen(r));
        s.observer = observer;
      } catch {
        // No observer on this host: scrolling to the bottom still counts (onReachBottom).
      }
    },

    /** The observer's answer: the end marker entered the screen. */
    onEndSeen(r: { intersectionRatio: number }) {
      if (r.intersectionRatio > 0) this.reachEnd();
    },
    onReachBottom() {
      this.reachEnd();
    },
    reachEnd() {
      if (this.data.status !== 'ready' || this.data.reachedEnd) return;
      this.setData({ reachedEnd: true });
      const s = st(this);
      s.observer?.disconnect();
      s.observer = null;
    },

    async onComplete() {
      if (!this.data.reachedEnd || this.data.completing || this.data.studied) return;
      const s = st(this);
      this.setData({ completing: true, completeError: '' });
      const res = await call(
        'lesson',
        'complete',
        { lessonId: this.data.lessonId },
        { requestId: s.intents.id('complete') },
      );
      if (!res.ok) {
        this.setData({ completing: false, completeError: res.error.message });
        return;
      }
      s.intents.done('complete');
      this.setData({
        completing: false,
        studied: true,
        studiedText: `${formatDate(res.data.studiedAt)}已学完`,
        pointsResult: pointsText(res.data.points, '已记为学完'),
      });
    },

    onQuiz() {
      go(ROUTES.lessonQuiz, { id: this.data.lessonId });
    },
    onReflections() {
      go(ROUTES.reflections, { id: this.data.lessonId, title: this.data.title });
    },
    onStats() {
      go(ROUTES.lessonStats, { id: this.data.lessonId });
    },
    onEdit() {
      go(ROUTES.lessonCompose, { lessonId: this.data.lessonId });
    },

    audio(): Audio | null {
      const s = st(this);
      if (s.audio) return s.audio;
      if (typeof wx.createInnerAudioContext !== 'function') return null;
      const a = wx.createInnerAudioContext() as unknown as Audio;
      a.src = this.data.mediaUrl;
      a.onPlay(() => this.setData({ playing: true, audioError: '' }));
      a.onPause(() => this.setData({ playing: false }));
      a.onEnded(() => this.setData({ playing: false, audioPercent: 100 }));
      a.onError(() =>
        this.setData({ playing: false, audioError: '音频暂时无法播放，请检查网络后重试' }),
      );
      a.onTimeUpdate(() => {
        const total = a.duration || 0;
        this.setData({
          audioText: `${clock(a.currentTime)} / ${clock(total)}`,
          audioPercent: total ? Math.min(100, Math.round((a.currentTime / total) * 100)) : 0,
        });
      });
      s.audio = a;
      return a;
    },
    onPlayAudio() {
      const a = this.audio();
      if (!a) {
        this.setData({ audioError: '当前微信版本不能播放音频，请升级微信后再试' });
        return;
      }
      if (this.data.playing) a.pause();
      else a.play();
    },
  },
});

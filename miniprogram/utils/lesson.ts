/**
 * 微党课 as the pages word it: a lesson's facts in one line, the points an action earned, the
 * words of the subscribe outcome for lesson reminders. No ranking is ever computed or shown
 * (DOMAIN.md, points): only the member's own numbers.
 */
import type { LessonItem, LessonStatus, PointsAward } from '../../typings/api';
import { SUBSCRIBE_MESSAGES, type SubscribeOutcome } from './subscribe';

export const LESSON_STATUS_TEXT: Record<LessonStatus, string> = {
  draft: '草稿',
  scheduled: '定时发布',
  held: '待审核',
  published: '已发布',
  removed: '已删除',
};

/** 「约 8 分钟 · 音频 · 3 道题」 */
export function lessonFacts(
  l: Pick<LessonItem, 'minutes' | 'mediaKind' | 'questionCount'>,
): string {
  const parts = [`约 ${l.minutes} 分钟`];
  if (l.mediaKind === 'audio') parts.push('音频');
  if (l.mediaKind === 'video') parts.push('视频');
  if (l.questionCount > 0) parts.push(`${l.questionCount} 道题`);
  return parts.join(' · ');
}

/** What an award says to the member, or '' when nothing was earned this time. */
export function pointsText(award: PointsAward | null | undefined, what: string): string {
  if (!award) return '';
  if (award.points > 0) {
    return award.capped
      ? `${what}，积分 +${award.points}（今天已达上限 ${award.dailyCap} 分）`
      : `${what}，积分 +${award.points}`;
  }
  return `${what}。今天的积分已达上限 ${award.dailyCap} 分，明天学习还可以得分`;
}

/** 「2 / 3」 */
export function scoreText(score: number | null | undefined, total: number): string {
  return score === null || score === undefined ? '' : `${score} / ${total}`;
}

/** Option letters: A, B, C … */
export function letter(i: number): string {
  return String.fromCharCode(65 + i);
}

/** The subscribe outcome for the lesson reminder, worded for lessons (utils/subscribe.ts). */
export function lessonSubscribeMessage(outcome: SubscribeOutcome): string {
  return outcome === 'accepted'
    ? '已开启提醒：有新的微党课未学时，书记可提醒您一次（微信服务通知）。用掉后可再次开启。'
    : SUBSCRIBE_MESSAGES[outcome];
}

/** A server message for a form field without its 「参数「x.y」有误：」 preamble. */
export function plainMessage(message: string): string {
  return message.replace(/^参数「[^」]*」有误：/, '');
}

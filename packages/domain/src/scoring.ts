/**
 * Multiple choice (DOMAIN.md, typical paper structure): any wrong option scores 0; with no
 * wrong option, each correct option selected scores 0.5, up to the item's points.
 */
export function scoreMultipleChoice(
  selected: readonly string[],
  correct: readonly string[],
  points: number,
): number {
  const correctSet = new Set(correct);
  const picked = new Set(selected);
  if (picked.size === 0) return 0;
  for (const key of picked) if (!correctSet.has(key)) return 0;
  if (picked.size === correctSet.size) return points;
  return Math.min(points, picked.size * 0.5);
}

export function scoreSingleChoice(selected: string | null, correct: string, points: number): number {
  return selected === correct ? points : 0;
}

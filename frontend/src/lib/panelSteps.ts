// How the panel editor numbers candidates, so that authors see one number per picture.

/** Each candidate's number within its panel, 1 for the first ever drawn: the same on every tab and every run. */
export function candidateNumbers(images: readonly { id: number; created_at: string; candidate: number }[]): Map<number, number> {
  const oldestFirst = [...images].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.candidate - b.candidate || a.id - b.id);
  return new Map(oldestFirst.map((image, index) => [image.id, index + 1]));
}

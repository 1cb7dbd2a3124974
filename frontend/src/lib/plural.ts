// Counted nouns for authors: "1 character", "2 characters", "0 panels".

/** ``count`` and the noun, singular for exactly one; ``many`` for irregular plurals. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "1 panel · 2 characters". */
export function comicCounts(comic: { panel_count: number; character_count: number }): string {
  return `${plural(comic.panel_count, "panel")} · ${plural(comic.character_count, "character")}`;
}

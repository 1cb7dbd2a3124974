/** Style presets as the studio lists them: only the style LoRAs installed here, the others named apart. */

/** The preset as a comic's style: the LoRAs the studio left out are named beside it, not part of a style. */
export function presetStyle<T extends { missing_loras?: string[] }>(preset: T): Omit<T, "missing_loras"> {
  const { missing_loras: _left, ...style } = preset;
  return style;
}

/** A note on the preset's style LoRAs that are not installed (the preset draws without them). */
export function missingHint(missing: string[] | undefined): string | undefined {
  if (!missing?.length) return undefined;
  const names = missing.join(", ");
  const verb = missing.length === 1 ? "is" : "are";
  return `${names} ${verb} not installed: this style draws with its prompt words only. Put the file in the loras model folder and add it to the style to use it.`;
}

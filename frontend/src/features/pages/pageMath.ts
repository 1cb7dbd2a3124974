// Page geometry the studio shows before the server draws the page: frames per page and the trim line.
import type { PageLayout } from "../../api/client";

/** Frames on one page of each preset grid (the same grids as the export's). */
export const PRESET_FRAMES: Record<string, number> = { single: 1, "two-stacked": 2, "2x2": 4, "three-rows": 3, "manga-5": 5 };
export const PAPER_MM: Record<string, [number, number]> = { A4: [210, 297], Letter: [215.9, 279.4], B5: [182, 257] };

/** How many frames one page holds: a custom grid's cells, else its preset's. */
export function framesPerPage(page: PageLayout): number {
  return page.cells?.length || PRESET_FRAMES[page.preset ?? "2x2"] || 4;
}

/** How many pages ``panels`` panels fill. */
export function pageCount(panels: number, page: PageLayout): number {
  return Math.ceil(panels / framesPerPage(page));
}

/** Where the trim and the margin lie inside the printed page (trim plus bleed), in percent of its width and height. */
export function printGuides(page: PageLayout): { trim: { x: number; y: number }; live: { x: number; y: number } } {
  const [width, height] = PAPER_MM[page.paper ?? "A4"] ?? PAPER_MM.A4;
  const bleed = page.bleed_mm ?? 3;
  const margin = page.margin_mm ?? 12;
  const full = { w: width + 2 * bleed, h: height + 2 * bleed };
  return {
    trim: { x: (bleed / full.w) * 100, y: (bleed / full.h) * 100 },
    live: { x: ((bleed + margin) / full.w) * 100, y: ((bleed + margin) / full.h) * 100 },
  };
}

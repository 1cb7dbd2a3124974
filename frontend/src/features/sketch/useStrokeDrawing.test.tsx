// @vitest-environment jsdom
import { act, renderHook } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import type { Stroke } from "../../lib/strokes";
import { useStrokeDrawing } from "./useStrokeDrawing";

const stroke: Stroke = { mode: "draw", size: 8, points: [[1, 2, 0.5], [3, 4, 0.5]] };

function drawing(draftKey: string) {
  return useStrokeDrawing({ kind: "mask", width: 256, draftKey, toPicture: (p) => p });
}

describe("the mask of a picture", () => {
  beforeEach(() => localStorage.clear());

  it("starts empty on a newly picked picture and comes back with the picture it was painted on", () => {
    const { result, rerender } = renderHook(({ key }) => drawing(key), { initialProps: { key: "mask:1" } });
    act(() => result.current.commit({ strokes: [stroke], hideBackground: false }));
    expect(result.current.state.strokes).toHaveLength(1);

    rerender({ key: "mask:2" }); // another candidate picked
    expect(result.current.state.strokes).toEqual([]);

    rerender({ key: "mask:1" }); // the first picture again: its own mask, kept as a draft
    expect(result.current.state.strokes).toEqual([stroke]);
  });
});

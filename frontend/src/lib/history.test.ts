import { describe, expect, it } from "vitest";
import { canRedo, canUndo, createHistory, historyKey, pushState, redo, replaceState, undo } from "./history";

describe("history", () => {
  it("undoes and redoes in order", () => {
    let h = createHistory(0);
    expect(canUndo(h)).toBe(false);
    h = pushState(h, 1);
    h = pushState(h, 2);
    h = undo(h);
    expect(h.present).toBe(1);
    expect(canRedo(h)).toBe(true);
    h = undo(h);
    expect(h.present).toBe(0);
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(h.present).toBe(2);
    expect(redo(h)).toBe(h);
  });

  it("forgets the redo branch on a new state", () => {
    let h = pushState(pushState(createHistory("a"), "b"), "c");
    h = pushState(undo(h), "d");
    expect(h.future).toEqual([]);
    expect(h.past).toEqual(["a", "b"]);
  });

  it("keeps at most `limit` past states and ignores a same state", () => {
    let h = createHistory(0);
    for (let i = 1; i <= 10; i++) h = pushState(h, i, 3);
    expect(h.past).toEqual([7, 8, 9]);
    expect(pushState(h, 10)).toBe(h);
  });

  it("replaces without an undo step", () => {
    const h = replaceState(pushState(createHistory(1), 2), 3);
    expect(h.present).toBe(3);
    expect(undo(h).present).toBe(1);
  });

  it("maps keys", () => {
    const k = (key: string, o: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) =>
      historyKey({ key, ctrlKey: false, metaKey: false, shiftKey: false, ...o });
    expect(k("z", { ctrlKey: true })).toBe("undo");
    expect(k("z", { metaKey: true })).toBe("undo");
    expect(k("Z", { ctrlKey: true, shiftKey: true })).toBe("redo");
    expect(k("y", { ctrlKey: true })).toBe("redo");
    expect(k("z")).toBe(null);
    expect(k("a", { ctrlKey: true })).toBe(null);
  });
});

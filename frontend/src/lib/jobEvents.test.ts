import { describe, expect, it } from "vitest";
import { initialProgress, progressLabel, type JobProgress } from "./jobEvents";
import { comicCounts, plural } from "./plural";

const running = (step: number, total: number): JobProgress => ({ ...initialProgress(), status: "running", step, total, candidate: 0 });

describe("progress in authors' words", () => {
  it("counts an export's panels, not candidates and steps", () => {
    // An export of 5 panels reports 6 steps: one per panel lettered, then writing the files.
    expect(progressLabel(running(2, 6), "export")).toBe("lettering panel 2 of 5");
    expect(progressLabel(running(6, 6), "export")).toBe("writing the files");
    expect(progressLabel(running(2, 6), "export")).not.toContain("candidate");
  });

  it("still counts a drawing's candidate and steps", () => {
    expect(progressLabel(running(3, 20))).toBe("candidate 1, step 3 of 20");
  });
});

describe("counted nouns", () => {
  it("say 1 character and 2 characters", () => {
    expect(plural(1, "character")).toBe("1 character");
    expect(plural(2, "character")).toBe("2 characters");
    expect(plural(0, "panel")).toBe("0 panels");
    expect(comicCounts({ panel_count: 1, character_count: 1 })).toBe("1 panel · 1 character");
    expect(comicCounts({ panel_count: 3, character_count: 0 })).toBe("3 panels · 0 characters");
  });
});

import { describe, expect, it } from "vitest";
import { ApiError, fieldKey, otherErrors } from "./errors";
import { applyJobEvent, initialProgress, parseJobEvent, progressLabel } from "./jobEvents";

describe("api errors", () => {
  it("maps loc to field keys", () => {
    expect(fieldKey(["body", "description"])).toBe("description");
    expect(fieldKey(["body", "payload", "style", "loras", 0, "name"])).toBe("style.loras.0.name");
    expect(fieldKey(["body", "file"])).toBe("file");
  });

  it("finds messages for fields and nested fields", () => {
    const error = new ApiError(422, [
      { loc: ["body", "loras", 0, "strength_model"], msg: "too big" },
      { loc: ["body", "name"], msg: "taken" },
    ]);
    expect(error.about("name")).toBe("taken");
    expect(error.about("loras")).toBe("0.strength_model: too big");
    expect(otherErrors(error, ["name"])).toBe("loras.0.strength_model: too big");
    expect(new ApiError(404, "not found").message).toBe("not found");
  });
});

describe("job events", () => {
  it("folds events into progress", () => {
    let p = initialProgress();
    for (const raw of [
      '{"type":"started"}',
      '{"type":"progress","step":3,"total":10,"fraction":0.3,"candidate":0}',
      '{"type":"preview","data":{"preview":"data:image/png;base64,xx"}}',
      '{"type":"image","candidate":0,"data":{"url":"/a","seed":5}}',
    ]) {
      p = applyJobEvent(p, parseJobEvent(raw)!);
    }
    expect(p.status).toBe("running");
    expect(progressLabel(p)).toBe("candidate 1, step 3 of 10");
    expect(p.preview).toContain("data:image");
    expect(p.images).toEqual([{ candidate: 0, url: "/a", seed: 5 }]);
    p = applyJobEvent(p, { type: "failed", message: "out of memory" });
    expect(progressLabel(p)).toBe("Failed: out of memory");
    let batched = applyJobEvent(initialProgress(), { type: "progress", step: 8, total: 40, candidate: 0, data: { batch: [0, 1, 2, 3] } });
    expect(progressLabel(batched)).toBe("candidates 1–4, step 8 of 40");
    batched = applyJobEvent(batched, { type: "progress", step: 36, total: 40, candidate: 4 });
    expect(progressLabel(batched)).toBe("candidate 5, step 36 of 40");
    expect(parseJobEvent("nonsense")).toBe(null);
  });
});

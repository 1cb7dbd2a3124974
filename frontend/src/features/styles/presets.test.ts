import { describe, expect, it } from "vitest";
import { missingHint, presetStyle } from "./presets";

describe("style presets", () => {
  it("become a style without the list of LoRAs left out", () => {
    const style = presetStyle({ name: "cartoon", loras: [], missing_loras: ["cartoon_style_xl"] });
    expect(style).toEqual({ name: "cartoon", loras: [] });
  });

  it("name the style LoRAs that are not installed, and say nothing when all are", () => {
    expect(missingHint(["cartoon_style_xl"])).toMatch(/^cartoon_style_xl is not installed: this style draws with its prompt words only/);
    expect(missingHint(["a", "b"])).toMatch(/^a, b are not installed/);
    expect(missingHint([])).toBeUndefined();
    expect(missingHint(undefined)).toBeUndefined();
  });
});

// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { ComposedView } from "./ComposedPrompt";

afterEach(cleanup);

const COMPOSED = {
  task: "text_to_image",
  prompt: "cartoon, two friends in the park",
  negative_prompt: "blurry",
  regions: [
    { character: "Mia", prompt: "Mia, girl, red hair, yellow raincoat", box: [0, 0, 0.5, 1], masked: false },
    { character: "Leo", prompt: "Leo, boy, green cap", box: [0.55, 0.1, 0.45, 0.9], masked: true },
  ],
  references: [
    {
      character: "Mia",
      images: [
        { id: 3, kind: "image", name: "mia.png", size: 1, sha256: "", width: 32, height: 32, url: "/api/assets/3/file", created_at: "" },
      ],
      strength: 0.7,
      focus: "face",
      region: 0,
    },
  ],
  loras: [{ name: "mia-lora", strength_model: 0.8, strength_clip: 1 }],
  seed: 11,
  width: 512,
  height: 256,
  num_images: 2,
  fix_faces: true,
};

describe("ComposedView", () => {
  it("shows the shared scene, each region with its box, the references and the LoRAs", () => {
    render(<ComposedView composed={COMPOSED} />);
    expect(screen.getByText("Shared scene (everywhere)")).toBeTruthy();
    expect(screen.getByTestId("composed-base").textContent).toBe("cartoon, two friends in the park");
    expect(screen.getByText("Mia (x 0%, y 0%, 50% × 100%)").nextElementSibling?.textContent).toBe(
      "Mia, girl, red hair, yellow raincoat",
    );
    expect(screen.getByText("Leo (x 55%, y 10%, 45% × 90%, painted mask)")).toBeTruthy();
    const reference = screen.getByTestId("composed-reference-Mia");
    expect(reference.textContent).toContain("strength 70%, face only, in their region");
    expect(screen.getByAltText("Mia reference mia.png").getAttribute("src")).toBe("/api/assets/3/file");
    expect(screen.getByText("LoRAs: mia-lora (0.8)")).toBeTruthy();
    expect(screen.getByText(/512×256 px, seed 11, faces fixed after drawing/)).toBeTruthy();
  });

  it("calls a panel without regions' prompt just the prompt", () => {
    render(<ComposedView composed={{ ...COMPOSED, regions: [], references: [], loras: [], fix_faces: false }} />);
    expect(screen.getByText("Prompt")).toBeTruthy();
    expect(screen.queryByText("Reference images")).toBeNull();
    expect(screen.queryByText(/faces fixed/)).toBeNull();
  });
});

// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import type { Asset } from "../../api/client";
import { ReferenceImages, type ReferenceImagesProps } from "./ReferenceImages";

afterEach(cleanup);

const asset = (id: number, name: string): Asset => ({
  id,
  kind: "image",
  name,
  size: 10,
  sha256: "0".repeat(64),
  width: 32,
  height: 32,
  url: `/api/assets/${id}/file`,
  created_at: "2026-01-01T00:00:00Z",
});

function setup(overrides: Partial<ReferenceImagesProps> = {}) {
  const props: ReferenceImagesProps = {
    images: [asset(3, "mia-front.png"), asset(4, "mia-side.png")],
    strength: 0.6,
    focus: "face_and_clothes",
    onStrength: vi.fn(),
    onFocus: vi.fn(),
    onUpload: vi.fn(),
    onRemove: vi.fn(),
    ...overrides,
  };
  render(<ReferenceImages {...props} />);
  return props;
}

describe("ReferenceImages", () => {
  it("shows each reference as a thumbnail that can be removed", () => {
    const props = setup();
    const thumbs = screen.getAllByRole("img");
    expect(thumbs.map((img) => img.getAttribute("src"))).toEqual(["/api/assets/3/file", "/api/assets/4/file"]);
    fireEvent.click(screen.getByRole("button", { name: "Remove reference mia-side.png" }));
    expect(props.onRemove).toHaveBeenCalledWith(4);
  });

  it("uploads a chosen file", () => {
    const props = setup();
    const file = new File(["png"], "new.png", { type: "image/png" });
    fireEvent.change(screen.getByLabelText("Add a reference image"), { target: { files: [file] } });
    expect(props.onUpload).toHaveBeenCalledWith(file);
  });

  it("sets the strength with a slider labelled in percent and the face-only switch", () => {
    const props = setup({ strength: 0.35 });
    const slider = screen.getByLabelText("Reference strength: 35%");
    fireEvent.change(slider, { target: { value: "0.8" } });
    expect(props.onStrength).toHaveBeenCalledWith(0.8);
    const faceOnly = screen.getByRole("switch", { name: /Face only/ });
    expect((faceOnly as HTMLInputElement).checked).toBe(false);
    fireEvent.click(faceOnly);
    expect(props.onFocus).toHaveBeenCalledWith("face");
  });

  it("shows the focus as saved and turns it back to face and clothes", () => {
    const props = setup({ focus: "face" });
    const faceOnly = screen.getByRole("switch", { name: /Face only/ }) as HTMLInputElement;
    expect(faceOnly.checked).toBe(true);
    fireEvent.click(faceOnly);
    expect(props.onFocus).toHaveBeenCalledWith("face_and_clothes");
  });

  it("disables strength and focus until there is a reference", () => {
    setup({ images: [] });
    expect(screen.getByText("No reference images yet.")).toBeTruthy();
    expect((screen.getByTestId("reference-strength") as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByTestId("reference-face-only") as HTMLInputElement).disabled).toBe(true);
  });
});

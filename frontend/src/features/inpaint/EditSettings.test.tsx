// @vitest-environment jsdom
import { resetServer } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import type { GenerateIn, Panel } from "../../api/client";
import { renderWithProviders } from "../../test/render";
import { image, job, panel } from "../../test/fixtures";
import { NO_SIDES } from "../canvas/outpaintFrame";
import { InpaintSettings, OutpaintSettings } from "./EditSettings";

vi.mock("react-konva", () => import("../../test/konvaStub"));

function Harness({ shown, sent, mode }: { shown: Panel; sent: GenerateIn[]; mode: "inpaint" | "outpaint" }) {
  const generate = useMutation({
    mutationFn: async (body: GenerateIn) => {
      sent.push(body);
      return job("00000000-0000-0000-0000-000000000003");
    },
  });
  const [sides, setSides] = useState(NO_SIDES);
  const props = { panel: shown, running: false, generate };
  return mode === "inpaint" ? (
    <InpaintSettings {...props} maskPainted={false} exportMask={async () => new Blob()} />
  ) : (
    <OutpaintSettings {...props} sides={sides} onSides={setSides} />
  );
}

const picked = panel(5, 1, {}, { picked_image: image(40, 5, { picked: true, width: 256, height: 128 }) });

beforeEach(resetServer);
afterEach(cleanup);

describe("repaint and extend", () => {
  it("cannot repaint before a mask is painted", () => {
    renderWithProviders(<Harness shown={picked} sent={[]} mode="inpaint" />);
    expect(screen.getByTestId("inpaint").hasAttribute("disabled")).toBe(true);
  });

  it("extends the picked picture by the pixels asked for on each side", async () => {
    const sent: GenerateIn[] = [];
    const user = userEvent.setup();
    renderWithProviders(<Harness shown={picked} sent={sent} mode="outpaint" />);
    expect(screen.getByTestId("outpaint").hasAttribute("disabled")).toBe(true);
    await user.clear(screen.getByTestId("outpaint-right"));
    await user.type(screen.getByTestId("outpaint-right"), "64");
    await user.click(screen.getByTestId("outpaint"));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ mode: "outpaint", source_image_id: 40, outpaint: { top: 0, bottom: 0, left: 0, right: 64 }, prompt: null, candidates: 2 });
  });
});

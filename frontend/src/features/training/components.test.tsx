// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { CaptionGrid, type DatasetImage } from "./CaptionGrid";
import { EpochGrid, type Epoch } from "./EpochGrid";
import { PhotoDrop } from "./PhotoDrop";
import { SettingsForm, type TrainingSettings } from "./SettingsForm";
import { TrainingProgressView } from "./TrainingProgressView";
import { initialTraining, type TrainingState } from "./trainingEvents";

afterEach(cleanup);

const image = (name: string, flags: string[] = []): DatasetImage => ({
  name,
  caption: `rc_test, photo of a man, ${name}`,
  width: 64,
  height: 64,
  flags,
  url: `/api/training-datasets/1/images/${name}/file`,
});

const DEFAULTS: TrainingSettings = {
  model: "tiny-random-sdxl",
  resolution: 1024,
  network_dim: 128,
  network_alpha: 16,
  network_dropout: 0.3,
  train_text_encoders: false,
  unet_lr: 0.0001,
  text_encoder_lr: 0.00005,
  optimizer: "adamw8bit",
  lr_scheduler: "constant",
  batch_size: 1,
  epochs: 10,
  save_every_n_epochs: 2,
  min_snr_gamma: 5,
  scale_weight_norms: 1,
  mixed_precision: "bf16",
  gradient_checkpointing: true,
  cache_latents: true,
  memory_profile: "default",
  seed: 0,
};

describe("PhotoDrop", () => {
  it("takes dropped pictures (and leaves other files out) up to the limit", () => {
    const onFiles = vi.fn();
    render(<PhotoDrop count={98} min={10} max={100} uploading={null} onFiles={onFiles} />);
    const files = ["a.png", "b.jpg", "c.webp"].map((n) => new File(["x"], n, { type: n.endsWith("png") ? "image/png" : "" }));
    const notes = new File(["x"], "notes.txt", { type: "text/plain" });
    fireEvent.drop(screen.getByTestId("photo-drop"), { dataTransfer: { files: [notes, ...files] } });
    expect(onFiles).toHaveBeenCalledWith(files.slice(0, 2));
    expect(screen.getByTestId("photo-count").textContent).toBe("98 of 100 photos uploaded");
  });

  it("says how many more photos are needed and how an upload goes", () => {
    const { rerender } = render(<PhotoDrop count={4} min={10} max={100} uploading={null} onFiles={vi.fn()} />);
    expect(screen.getByTestId("photo-count").textContent).toBe("4 of 100 photos uploaded (at least 10 needed)");
    rerender(<PhotoDrop count={4} min={10} max={100} uploading={{ done: 2, total: 6 }} onFiles={vi.fn()} />);
    expect(screen.getByTestId("photo-count").textContent).toBe("Uploading 2 of 6…");
  });
});

describe("CaptionGrid", () => {
  it("edits one caption at a time and shows each image's flags", () => {
    const onSave = vi.fn();
    render(
      <CaptionGrid
        images={[image("a.png"), image("b.png", ["small", "duplicate-of:a.png"])]}
        errors={{ "a.png": "the caption is empty" }}
        saving={null}
        onSave={onSave}
      />,
    );
    const [first, second] = screen.getAllByTestId("caption-card");
    expect(within(second).getAllByTestId("image-flag").map((f) => f.textContent)).toEqual(["small: under 512 px", "near-duplicate of a.png"]);
    expect(within(first).queryAllByTestId("image-flag")).toEqual([]);
    expect(within(first).getByRole("alert").textContent).toBe("the caption is empty");
    const save = within(second).getByTestId("caption-save") as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.change(within(second).getByLabelText("Caption of b.png"), { target: { value: "rc_test, photo of a man, smiling" } });
    fireEvent.click(save);
    expect(onSave).toHaveBeenCalledWith("b.png", "rc_test, photo of a man, smiling");
  });
});

describe("SettingsForm", () => {
  it("shows the defaults, keeps the advanced ones collapsed, and shows the total steps before starting", () => {
    const onChange = vi.fn();
    render(
      <SettingsForm
        settings={DEFAULTS}
        defaults={DEFAULTS}
        estimate={{ total_steps: 6000, saved_epochs: [2, 4, 6, 8, 10], images: 30, repeats: 20, regularisation_images: 0, rough_seconds: 1500 }}
        errors={(field) => (field === "network_dim" ? "must be at least 1" : undefined)}
        onChange={onChange}
      />,
    );
    expect((screen.getByTestId("setting-epochs") as HTMLInputElement).value).toBe("10");
    expect((screen.getByTestId("advanced-settings") as HTMLDetailsElement).open).toBe(false);
    expect((screen.getByTestId("setting-network_dim") as HTMLInputElement).value).toBe("128");
    expect(screen.getByText("must be at least 1")).toBeTruthy();
    expect(screen.getByTestId("training-estimate").textContent).toBe(
      "6000 steps (30 photos × 20 × 10 epochs), saving epochs 2, 4, 6, 8, 10; roughly 25 min 00 s on a fast GPU.",
    );
    fireEvent.change(screen.getByTestId("setting-epochs"), { target: { value: "2" } });
    expect(onChange).toHaveBeenLastCalledWith({ ...DEFAULTS, epochs: 2 });
    fireEvent.click(screen.getByTestId("setting-train_text_encoders"));
    expect(onChange).toHaveBeenLastCalledWith({ ...DEFAULTS, train_text_encoders: true });
  });
});

describe("SettingsForm with regularisation images", () => {
  it("shows that they double the steps", () => {
    render(
      <SettingsForm
        settings={DEFAULTS}
        defaults={DEFAULTS}
        estimate={{ total_steps: 12000, saved_epochs: [2, 4, 6, 8, 10], images: 30, repeats: 20, regularisation_images: 40, rough_seconds: 3000 }}
        errors={() => undefined}
        onChange={vi.fn()}
      />,
    );
    expect(screen.getByTestId("training-estimate").textContent).toBe(
      "12000 steps (30 photos × 20 × 10 epochs × 2 with 40 regularisation images), saving epochs 2, 4, 6, 8, 10; roughly 50 min 00 s on a fast GPU.",
    );
  });
});

describe("TrainingProgressView", () => {
  it("shows step, loss, speed and time left, draws the loss curve and cancels", () => {
    const onCancel = vi.fn();
    const state = {
      ...initialTraining(),
      status: "running" as const,
      step: 12,
      epoch: 1,
      epochs: 2,
      loss: [
        { step: 10, loss: 0.3 },
        { step: 12, loss: 0.21 },
      ],
      stepsPerSecond: 3.5,
      etaSeconds: 80,
    };
    render(<TrainingProgressView state={state} totalSteps={40} cancelling={false} onCancel={onCancel} stopRequested={false} onStop={vi.fn()} />);
    expect(screen.getByTestId("training-status").textContent).toBe("Step 12 of 40, epoch 1 of 2");
    expect(screen.getByTestId("training-loss").textContent).toBe("0.2100");
    expect(screen.getByTestId("training-speed").textContent).toBe("3.50 it/s");
    expect(screen.getByTestId("training-eta").textContent).toBe("1 min 20 s");
    expect(screen.getByTestId("loss-curve").querySelector("polyline")?.getAttribute("points")).toBe("0.0,0.0 480.0,140.0"); // a falling loss: from the top left to the bottom right
    fireEvent.click(screen.getByTestId("cancel-training"));
    expect(onCancel).toHaveBeenCalled();
  });

  it("has no cancel or stop button once the training ended, and says when it was stopped early", () => {
    const ended = { ...initialTraining(), status: "succeeded" as const };
    const view = (state: typeof ended) => (
      <TrainingProgressView state={state} totalSteps={40} cancelling={false} onCancel={vi.fn()} stopRequested={false} onStop={vi.fn()} />
    );
    const { rerender } = render(view(ended));
    expect(screen.getByTestId("training-status").textContent).toBe("Training finished");
    expect(screen.queryByTestId("cancel-training")).toBeNull();
    expect(screen.queryByTestId("stop-training")).toBeNull();
    rerender(view({ ...ended, stoppedEarlyAfter: 2 }));
    expect(screen.getByTestId("training-status").textContent).toBe("Training stopped early after epoch 2");
  });

  it("stops early keeping the saved epochs, next to cancel, and says what a stop asked before any epoch waits for", () => {
    const onStop = vi.fn();
    const running: TrainingState = { ...initialTraining(), status: "running", step: 25, epoch: 3, epochs: 10 };
    const view = (state: TrainingState, stopRequested = false, cancelling = false) => (
      <TrainingProgressView state={state} totalSteps={100} cancelling={cancelling} onCancel={vi.fn()} stopRequested={stopRequested} onStop={onStop} />
    );
    const { rerender } = render(view({ ...running, savedEpochs: [2] }));
    const stop = () => screen.getByTestId("stop-training") as HTMLButtonElement;
    expect(stop().textContent).toBe("Stop and keep epochs");
    expect(stop().title).toBe("End training now and keep epoch 2");
    expect(stop().parentElement).toBe(screen.getByTestId("cancel-training").parentElement);
    fireEvent.click(stop());
    expect(onStop).toHaveBeenCalledTimes(1);
    rerender(view({ ...running, savedEpochs: [2] }, true));
    expect(stop().textContent).toBe("Stopping…");
    expect(stop().disabled).toBe(true);

    rerender(view(running)); // nothing saved yet: training goes on until an epoch is
    expect(stop().disabled).toBe(false);
    expect(stop().title).toBe("Training goes on until the next epoch is saved, then ends and keeps it");
    rerender(view(running, true));
    expect(stop().textContent).toBe("Stopping after the next saved epoch…");
    rerender(view({ ...running, savedEpochs: [2] }, false, true));
    expect(stop().disabled).toBe(true); // a cancel under way

    rerender(view({ ...running, phase: "grid" })); // the test grid: no training left to stop
    expect(screen.queryByTestId("stop-training")).toBeNull();
    rerender(view({ ...running, status: "queued" }));
    expect(screen.queryByTestId("stop-training")).toBeNull();
    expect(screen.getByTestId("cancel-training")).toBeTruthy();
  });
});

describe("EpochGrid", () => {
  const epoch = (n: number, picked = false): Epoch => ({
    epoch: n,
    step: n * 20,
    picked,
    grid: [0, 1].map((row) => ({ row, label: ["alone", "manga"][row], url: `/api/training-runs/1/epochs/${n}/grid/${row}/file` })),
  });

  it("lays the epochs side by side, one row per prompt, and picks one", () => {
    const onPick = vi.fn();
    render(<EpochGrid rows={["alone", "manga"]} epochs={[epoch(1), epoch(2, true)]} picking={null} onPick={onPick} />);
    const rows = screen.getAllByRole("row");
    expect(within(rows[0]).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Prompt", "Epoch 1 · step 20", "Epoch 2 · step 40"]);
    expect(within(rows[1]).getAllByRole("img").map((i) => i.getAttribute("alt"))).toEqual(["Epoch 1: alone", "Epoch 2: alone"]);
    expect(within(rows[2]).getByRole("rowheader").textContent).toBe("In manga style");
    expect((screen.getByTestId("pick-epoch-2") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("pick-epoch-1"));
    expect(onPick).toHaveBeenCalledWith(1);
  });
});

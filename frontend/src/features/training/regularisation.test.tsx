// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { Character } from "../../api/client";
import type { components } from "../../api/schema";
import { datasetLabel } from "./DatasetPicker";
import { RegularisationDrop, regularisationEffect } from "./RegularisationDrop";
import { TrainingWizard } from "./TrainingWizard";
import { UploadedPhotos, type StoredPhoto } from "./UploadedPhotos";

afterEach(cleanup);

type Dataset = components["schemas"]["DatasetOut"];

const stored = (id: number, name: string, role: StoredPhoto["role"]): StoredPhoto => ({
  id,
  name,
  role,
  width: 512,
  height: 512,
  url: `/api/training-datasets/1/photos/${id}/file`,
});

const dataset = (id: number, trigger: string, photos: number, regularisation: number): Dataset => ({
  id,
  character_id: 7,
  trigger,
  class_word: "man",
  mode: "face-crop",
  resolution: 1024,
  repeats: 20,
  photo_count: photos,
  photos_min: 10,
  photos_max: 100,
  regularisation_count: regularisation,
  regularisation_max: 100,
  photos: [
    ...Array.from({ length: photos }, (_, i) => stored(id * 1000 + i, `${trigger}-${i}.png`, "photo")),
    ...Array.from({ length: regularisation }, (_, i) => stored(id * 1000 + 500 + i, `other-${i}.png`, "regularisation")),
  ],
  prepared: false,
  images: [],
  problems: [],
});

describe("RegularisationDrop", () => {
  it("says what the images are for, takes dropped pictures up to the limit and shows the count", () => {
    const onFiles = vi.fn();
    render(<RegularisationDrop count={99} max={100} photos={30} repeats={20} classWord="man" uploading={null} onFiles={onFiles} />);
    const zone = screen.getByRole("region", { name: "Regularisation images" });
    expect(within(zone).getByRole("heading").textContent).toBe("Regularisation images (optional)");
    expect(screen.getByTestId("regularisation-drop").textContent).toContain("Photos of other people of the class “man”, not the character");
    const files = ["a.png", "b.webp"].map((n) => new File(["x"], n, { type: "" }));
    fireEvent.drop(screen.getByTestId("regularisation-drop"), { dataTransfer: { files: [new File(["x"], "notes.txt"), ...files] } });
    expect(onFiles).toHaveBeenCalledWith(files.slice(0, 1));
    expect(screen.getByTestId("regularisation-count").textContent).toBe("99 of 100 regularisation images uploaded");
  });

  it("shows that any regularisation image doubles each epoch's steps", () => {
    const { rerender } = render(<RegularisationDrop count={0} max={100} photos={30} repeats={20} classWord="man" uploading={null} onFiles={vi.fn()} />);
    expect(screen.getByTestId("regularisation-effect").textContent).toBe("None: each epoch is 30 photos × 20 = 600 steps.");
    rerender(<RegularisationDrop count={12} max={100} photos={30} repeats={20} classWord="man" uploading={null} onFiles={vi.fn()} />);
    expect(screen.getByTestId("regularisation-effect").textContent).toBe("Each epoch takes twice the steps: 30 photos × 20 × 2 = 1200 instead of 600.");
    expect(regularisationEffect(1, 10, 2)).toContain("= 40 instead of 20");
    rerender(<RegularisationDrop count={12} max={100} photos={30} repeats={20} classWord="man" uploading={{ done: 1, total: 3 }} error="regularisation: not a picture" onFiles={vi.fn()} />);
    expect(screen.getByTestId("regularisation-count").textContent).toBe("Uploading 1 of 3…");
    expect(screen.getByRole("alert").textContent).toBe("regularisation: not a picture");
  });
});

describe("UploadedPhotos", () => {
  it("lists the uploads and removes one at a time", () => {
    const onRemove = vi.fn();
    render(<UploadedPhotos label="Uploaded regularisation images" photos={[stored(4, "a.png", "regularisation"), stored(5, "b.png", "regularisation")]} removing={5} onRemove={onRemove} />);
    const list = screen.getByRole("list", { name: "Uploaded regularisation images" });
    expect(within(list).getAllByTestId("uploaded-photo").map((item) => item.textContent)).toEqual(["a.pngRemove", "b.pngRemoving…"]);
    expect((screen.getByRole("button", { name: "Remove b.png" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Remove a.png" }));
    expect(onRemove).toHaveBeenCalledWith(4);
  });
});

describe("the wizard's dataset picker", () => {
  function setup(datasets: Dataset[]) {
    const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    client.setQueryData(["training-datasets", 7], datasets);
    for (const d of datasets) client.setQueryData(["training-runs", d.id], []);
    const character = { id: 7, comic_id: 1, name: "Rc" } as Character;
    render(
      <QueryClientProvider client={client}>
        <TrainingWizard character={character} onPicked={vi.fn()} />
      </QueryClientProvider>,
    );
  }

  it("works on the newest dataset until the author picks another one or a new one", async () => {
    const user = userEvent.setup();
    setup([dataset(2, "rc_new", 12, 3), dataset(1, "rc_old", 10, 0)]);
    const picker = screen.getByRole("combobox", { name: "Dataset" });
    expect(picker.textContent).toContain("rc_new (man): 12 photos, 3 regularisation");
    expect(screen.getByTestId("training-wizard").textContent).toContain("Trigger word rc_new");
    expect(screen.getByTestId("regularisation-count").textContent).toBe("3 of 100 regularisation images uploaded");
    expect(screen.getAllByRole("listitem").filter((item) => item.textContent?.startsWith("other-"))).toHaveLength(3);

    picker.focus();
    await user.keyboard("{Enter}");
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["rc_new (man): 12 photos, 3 regularisation", "rc_old (man): 10 photos", "Start a new dataset"]);
    await user.click(screen.getByRole("option", { name: "rc_old (man): 10 photos" }));
    expect(screen.getByTestId("training-wizard").textContent).toContain("Trigger word rc_old");
    expect(screen.getByTestId("regularisation-effect").textContent).toBe("None: each epoch is 10 photos × 20 = 200 steps.");

    screen.getByRole("combobox", { name: "Dataset" }).focus();
    await user.keyboard("{Enter}");
    await user.click(screen.getByRole("option", { name: "Start a new dataset" }));
    expect(screen.queryByTestId("training-wizard")).toBeNull();
    expect(screen.getByRole("form", { name: "New training dataset" })).toBeTruthy();
  });

  it("offers only a new dataset to a character without one", () => {
    setup([]);
    expect(screen.queryByRole("combobox", { name: "Dataset" })).toBeNull();
    expect(screen.getByRole("form", { name: "New training dataset" })).toBeTruthy();
  });

  it("labels a dataset by its trigger, class and what it holds", () => {
    expect(datasetLabel(dataset(3, "mia", 30, 0))).toBe("mia (man): 30 photos");
  });
});

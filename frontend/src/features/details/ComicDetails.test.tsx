// @vitest-environment jsdom
// The comic details the exports carry are edited in one form and saved as the author types.
import "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";

import type { Comic } from "../../api/client";
import { keys } from "../../api/queries";
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { renderWithProviders, testClient } from "../../test/render";
import { ComicDetails } from "./ComicDetails";

const comic = { id: 1, title: "Stars", spec: { author: "Ada", language: "en" }, panel_count: 0, character_count: 0 } as unknown as Comic;

/** Open the listbox ``label`` and click ``option``, as a keyboard user opens it. */
function choose(label: string, option: string) {
  fireEvent.keyDown(screen.getByRole("combobox", { name: label }), { key: "Enter" });
  fireEvent.click(screen.getByRole("option", { name: option }));
}

beforeEach(() => {
  resetServer();
  route("PATCH", "/api/comics/1", async (request: Request) => ({ ...comic, spec: { ...comic.spec, ...(await request.json()) } }));
});
afterEach(cleanup);

describe("comic details", () => {
  it("shows what is saved and saves every change", async () => {
    const client = testClient();
    client.setQueryData(keys.comic(1), comic);
    renderWithProviders(<ComicDetails comic={comic} />, { client });
    expect((screen.getByLabelText("Author") as HTMLInputElement).value).toBe("Ada");
    choose("Reading direction", "Right to left (manga)");
    choose("Age rating", "Teen");
    fireEvent.change(screen.getByLabelText("Number in the series"), { target: { value: "3" } });
    fireEvent.change(screen.getByLabelText("Genre"), { target: { value: "science fiction" } });
    await waitFor(async () => expect((await bodiesOf("PATCH", "/api/comics/1")).length).toBe(1), { timeout: 3000 });
    expect(await bodiesOf("PATCH", "/api/comics/1")).toEqual([{ reading_direction: "rtl", age_rating: "Teen", episode: 3, genre: "science fiction" }]);
  });
});

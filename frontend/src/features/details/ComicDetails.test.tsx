// @vitest-environment jsdom
// The comic details the exports carry are edited in one form and saved as the author types.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";

const fetchMock = await vi.hoisted(async () => (await import("../../testing/api")).installFetchStub());

import type { Comic } from "../../api/client";
import { keys } from "../../api/queries";
import { sent, serve } from "../../testing/api";
import { ComicDetails } from "./ComicDetails";

const comic = { id: 1, title: "Stars", spec: { author: "Ada", language: "en" }, panel_count: 0, character_count: 0 } as unknown as Comic;

beforeEach(() => serve(fetchMock, { "PATCH /api/comics/1": (_r, body) => ({ ...comic, spec: { ...comic.spec, ...(body as object) } }) }));
afterEach(cleanup);

describe("comic details", () => {
  it("shows what is saved and saves every change", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    client.setQueryData(keys.comic(1), comic);
    render(
      <QueryClientProvider client={client}>
        <ComicDetails comic={comic} />
      </QueryClientProvider>,
    );
    expect((screen.getByLabelText("Author") as HTMLInputElement).value).toBe("Ada");
    fireEvent.change(screen.getByLabelText("Reading direction"), { target: { value: "rtl" } });
    fireEvent.change(screen.getByLabelText("Age rating"), { target: { value: "Teen" } });
    fireEvent.change(screen.getByLabelText("Number in the series"), { target: { value: "3" } });
    fireEvent.change(screen.getByLabelText("Genre"), { target: { value: "science fiction" } });
    await waitFor(async () => expect((await sent(fetchMock, "PATCH /api/comics/1")).length).toBe(1), { timeout: 3000 });
    expect(await sent(fetchMock, "PATCH /api/comics/1")).toEqual([{ reading_direction: "rtl", age_rating: "Teen", episode: 3, genre: "science fiction" }]);
  });
});

// @vitest-environment jsdom
// A character's portraits come from the server's history of that character, so opening another
// character and coming back shows them again; adopting one gives the character its seed.
import "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { keys } from "../../api/queries";
import { requests, resetServer, route } from "../../test/fakeServer";
import { character } from "../../test/fixtures";
import { renderWithProviders, testClient } from "../../test/render";
import { CharacterSheet } from "./CharacterSheet";

const mia = character(3, "Mia");
const leo = character(4, "Leo");
const portrait = (id: number, characterId: number, seed: number) => ({
  id,
  character_id: characterId,
  candidate: 0,
  seed,
  width: 64,
  height: 64,
  url: `/api/portraits/${id}/file`,
  created_at: "2026-01-01T00:00:00Z",
});

beforeEach(() => {
  resetServer();
  route("GET", "/api/characters/3/portraits", [portrait(11, 3, 4242), portrait(12, 3, 777)]);
  route("GET", "/api/characters/4/portraits", []);
  route("POST", "/api/portraits/12/adopt", { ...mia, spec: { ...mia.spec, seed: 777 } });
});
afterEach(cleanup);

/** The characters page's sheet, with a way to open the other character. */
function Sheets() {
  const [shown, setShown] = useState(mia);
  return (
    <>
      <button type="button" onClick={() => setShown(shown.id === mia.id ? leo : mia)}>
        other character
      </button>
      <CharacterSheet character={shown} />
    </>
  );
}

describe("character portraits", () => {
  it("are still there after another character was opened", async () => {
    const client = testClient();
    client.setQueryData(keys.characters(1), [mia, leo]);
    renderWithProviders(<Sheets />, { client });
    expect(await screen.findAllByRole("img", { name: /Portrait \d of Mia/ })).toHaveLength(2);
    fireEvent.click(screen.getByRole("button", { name: "other character" }));
    expect(await screen.findByText(/No portraits yet/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "other character" }));
    expect(await screen.findAllByRole("img", { name: /Portrait \d of Mia/ })).toHaveLength(2);
  });

  it("adopting one gives the character its seed", async () => {
    const client = testClient();
    client.setQueryData(keys.characters(1), [mia, leo]);
    renderWithProviders(<CharacterSheet character={mia} />, { client });
    fireEvent.click(await screen.findByRole("button", { name: "Use the look of portrait 2 (seed 777)" }));
    await waitFor(() => expect(requests.some((r) => r.method === "POST" && r.url.endsWith("/api/portraits/12/adopt"))).toBe(true));
    await waitFor(() => expect(client.getQueryData<typeof mia[]>(keys.characters(1))?.[0].spec.seed).toBe(777));
  });
});

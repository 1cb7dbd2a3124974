// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import type { LoraRef } from "../api/client";
import { keys } from "../api/queries";
import { LoraList } from "./LoraList";

afterEach(cleanup);

/** The list as an editor holds it: what it saves, and the server's error for the first row's name if one was saved empty. */
function Editor({ onSave }: { onSave: (loras: LoraRef[]) => void }) {
  const [saved, setSaved] = useState<LoraRef[]>([]);
  const errorFor = (key: string) => (key === "0.name" && saved.some((l) => !l.name) ? "String should have at least 1 character" : undefined);
  return (
    <LoraList
      loras={saved}
      errorFor={errorFor}
      onChange={(loras) => {
        setSaved(loras);
        onSave(loras);
      }}
    />
  );
}

function renderEditor(onSave: (loras: LoraRef[]) => void) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData(keys.models, []);
  render(
    <QueryClientProvider client={client}>
      <Editor onSave={onSave} />
    </QueryClientProvider>,
  );
}

describe("Add LoRA", () => {
  it("adds a row to fill in without saving it or showing an error", () => {
    const onSave = vi.fn();
    renderEditor(onSave);
    fireEvent.click(screen.getByRole("button", { name: "Add LoRA" }));
    expect(screen.getByRole("combobox", { name: "LoRAs 1 name" })).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("saves the row once it has a name, and removing it saves the empty list", () => {
    const onSave = vi.fn();
    renderEditor(onSave);
    fireEvent.click(screen.getByRole("button", { name: "Add LoRA" }));
    const name = screen.getByRole("combobox", { name: "LoRAs 1 name" });
    fireEvent.focus(name);
    fireEvent.change(name, { target: { value: "ink-style" } });
    fireEvent.blur(name);
    expect(onSave).toHaveBeenLastCalledWith([{ name: "ink-style", strength_model: 1, strength_clip: 1 }]);
    fireEvent.click(screen.getByRole("button", { name: "Remove LoRAs 1" }));
    expect(onSave).toHaveBeenLastCalledWith([]);
  });
});

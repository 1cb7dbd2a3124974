// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { Tooltip } from "radix-ui";
import { Dialog, IconButton, Select, Slider, Tabs, ToastProvider, useToast } from "./ui";

afterEach(cleanup);

describe("the shared controls", () => {
  it("Tabs: a click or the keyboard chooses a tab", async () => {
    function Steps() {
      const [tab, setTab] = useState<"a" | "b">("a");
      return <Tabs label="Steps" value={tab} onChange={setTab} tabs={[{ id: "a", label: "First" }, { id: "b", label: "Second" }]} />;
    }
    const user = userEvent.setup();
    render(<Steps />);
    fireEvent.click(screen.getByRole("tab", { name: "Second" }));
    expect(screen.getByRole("tab", { name: "Second" }).getAttribute("aria-selected")).toBe("true");
    await user.click(screen.getByRole("tab", { name: "Second" }));
    await user.keyboard("{ArrowLeft}{Enter}");
    expect(screen.getByRole("tab", { name: "First" }).getAttribute("aria-selected")).toBe("true");
  });

  it("Slider: arrow keys move it by its step and it reads its value aloud", async () => {
    function Strength() {
      const [value, setValue] = useState(0.5);
      return <Slider label="Strength" value={value} onChange={setValue} step={0.1} format={(v) => `${Math.round(v * 100)}%`} />;
    }
    const user = userEvent.setup();
    render(<Strength />);
    const thumb = screen.getByRole("slider", { name: "Strength" });
    thumb.focus();
    await user.keyboard("{ArrowRight}{ArrowRight}");
    expect(thumb.getAttribute("aria-valuetext")).toBe("70%");
    await user.keyboard("{Home}");
    expect(thumb.getAttribute("aria-valuenow")).toBe("0");
  });

  it("Dialog: named by its title, closed by Escape", async () => {
    function Confirm() {
      const [open, setOpen] = useState(true);
      return (
        <Dialog open={open} onOpenChange={setOpen} title="Delete the panel?">
          <p>Its pictures go too.</p>
        </Dialog>
      );
    }
    const user = userEvent.setup();
    render(<Confirm />);
    expect(screen.getByRole("dialog", { name: "Delete the panel?" })).toBeTruthy();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("Select: the keyboard opens it and picks an option", async () => {
    function Paper() {
      const [value, setValue] = useState<"a4" | "letter">("a4");
      return (
        <>
          <Select label="Paper" value={value} onChange={setValue} options={[{ value: "a4", label: "A4" }, { value: "letter", label: "US Letter" }]} />
          <output data-testid="chosen">{value}</output>
        </>
      );
    }
    const user = userEvent.setup();
    render(<Paper />);
    const trigger = screen.getByRole("combobox", { name: "Paper" });
    expect(trigger.textContent).toContain("A4");
    trigger.focus();
    await user.keyboard("{Enter}");
    await user.click(await screen.findByRole("option", { name: "US Letter" }));
    expect(screen.getByTestId("chosen").textContent).toBe("letter");
  });

  it("IconButton and toasts: the label names the button; a toast is announced", async () => {
    function Notify() {
      const toast = useToast();
      return <IconButton label="Save" icon={<span>💾</span>} onClick={() => toast({ title: "Saved", description: "All panels", kind: "success" })} />;
    }
    const user = userEvent.setup();
    render(
      <Tooltip.Provider>
        <ToastProvider>
          <Notify />
        </ToastProvider>
      </Tooltip.Provider>,
    );
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByText("All panels")).closest("li")?.textContent).toContain("Saved");
  });
});

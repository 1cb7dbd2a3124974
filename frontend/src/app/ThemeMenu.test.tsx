// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Tooltip } from "radix-ui";
import { applyTheme } from "../lib/theme";
import { ThemeMenu } from "./ThemeMenu";

function systemPrefersDark(dark: boolean) {
  window.matchMedia = vi.fn((query: string) => ({
    matches: dark && query === "(prefers-color-scheme: dark)",
    media: query,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  })) as unknown as typeof window.matchMedia;
}

const renderMenu = () =>
  render(
    <Tooltip.Provider>
      <ThemeMenu />
    </Tooltip.Provider>,
  );

beforeEach(() => localStorage.clear());
afterEach(cleanup);

describe("theme", () => {
  it("follows the system by default", () => {
    systemPrefersDark(true);
    expect(applyTheme()).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    systemPrefersDark(false);
    expect(applyTheme()).toBe("light");
    expect(document.documentElement.dataset.theme).toBe("light");
  });

  it("switches from the menu and remembers the choice over the system's", async () => {
    systemPrefersDark(false);
    applyTheme();
    const user = userEvent.setup();
    renderMenu();
    await user.click(screen.getByRole("button", { name: "Theme" }));
    await user.click(await screen.findByRole("menuitemradio", { name: "Dark" }));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("stripstudio:theme")).toBe("dark");
    // A later visit (the start-up call) shows the remembered theme although the system is light.
    document.documentElement.dataset.theme = "";
    expect(applyTheme()).toBe("dark");

    await user.click(screen.getByRole("button", { name: "Theme" }));
    expect((await screen.findByRole("menuitemradio", { name: "Dark" })).getAttribute("aria-checked")).toBe("true");
    await user.click(screen.getByRole("menuitemradio", { name: "Follow the system" }));
    expect(document.documentElement.dataset.theme).toBe("light");
    expect(localStorage.getItem("stripstudio:theme")).toBeNull();
  });
});

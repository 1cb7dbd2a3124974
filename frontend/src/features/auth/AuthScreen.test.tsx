// @vitest-environment jsdom
import { bodiesOf, resetServer, route, Status } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { keys } from "../../api/queries";
import { renderWithProviders } from "../../test/render";
import { AuthScreen } from "./AuthScreen";

beforeEach(resetServer);
afterEach(cleanup);

describe("signing in", () => {
  it("signs up a new author and puts them in the session", async () => {
    route("POST", "/api/auth/signup", { id: 4, username: "ada" });
    const user = userEvent.setup();
    const { client } = renderWithProviders(<AuthScreen />);
    await user.click(screen.getByRole("button", { name: "Create an account" }));
    await user.type(screen.getByLabelText("User name"), "ada");
    await user.type(screen.getByLabelText("Password"), "a long enough password 42");
    await user.click(screen.getByRole("button", { name: "Sign up" }));
    await waitFor(() => expect(client.getQueryData(keys.me)).toEqual({ id: 4, username: "ada" }));
    expect(await bodiesOf("POST", "/api/auth/signup")).toEqual([{ username: "ada", password: "a long enough password 42" }]);
  });

  it("shows the server's refusal at the field it names and keeps what was typed", async () => {
    route("POST", "/api/auth/login", new Status(422, { detail: [{ loc: ["body", "payload", "password"], msg: "wrong user name or password" }] }));
    const user = userEvent.setup();
    renderWithProviders(<AuthScreen />);
    await user.type(screen.getByLabelText("User name"), "ada");
    await user.type(screen.getByLabelText("Password"), "nope");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect((await screen.findByRole("alert")).textContent).toContain("wrong user name or password");
    expect(screen.getByLabelText("Password").getAttribute("aria-invalid")).toBe("true");
    expect((screen.getByLabelText("User name") as HTMLInputElement).value).toBe("ada");
  });
});

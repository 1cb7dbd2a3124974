// @vitest-environment jsdom
import { requests, resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Job } from "../../api/client";
import { renderWithProviders } from "../../test/render";
import { job } from "../../test/fixtures";
import { JobProgressView } from "./JobProgressView";
import { useJob } from "./useJob";

const ID = "00000000-0000-0000-0000-000000000042";

/** The browser's EventSource, driven by the test: ``send`` delivers one named event. */
class FakeEventSource {
  static last: FakeEventSource | null = null;
  static CLOSED = 2;
  readyState = 1;
  onmessage: ((e: MessageEvent<string>) => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, (e: MessageEvent<string>) => void>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (e: MessageEvent<string>) => void) {
    this.listeners.set(type, listener);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  send(data: { type: string } & Record<string, unknown>) {
    act(() => this.listeners.get(data.type)?.(new MessageEvent(data.type, { data: JSON.stringify(data) })));
  }
}

function Progress({ started, onFinished }: { started: Job; onFinished: (job: Job) => void }) {
  const { progress } = useJob(started, onFinished);
  return <JobProgressView job={started} progress={progress} label="Generating" />;
}

beforeEach(() => {
  resetServer();
  vi.stubGlobal("EventSource", FakeEventSource);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("job progress", () => {
  it("follows the job's events to the end and reports the job as stored", async () => {
    route("GET", `/api/jobs/${ID}`, job(ID, { status: "succeeded", progress: 1 }));
    const finished: Job[] = [];
    renderWithProviders(<Progress started={job(ID)} onFinished={(j) => finished.push(j)} />);
    const source = FakeEventSource.last!;
    expect(source.url).toBe(`/api/jobs/${ID}/events`);
    source.send({ type: "started" });
    source.send({ type: "progress", step: 3, total: 10, fraction: 0.3 });
    expect(screen.getByTestId("job-progress").dataset.status).toBe("running");
    expect(screen.getByTestId("job-status").textContent).toMatch(/3 of 10/);
    expect((screen.getByTestId("job-progress-bar") as HTMLProgressElement).value).toBe(30);

    source.send({ type: "succeeded", fraction: 1 });
    await waitFor(() => expect(finished.map((j) => j.status)).toEqual(["succeeded"]));
    expect(screen.getByTestId("job-progress").dataset.status).toBe("succeeded");
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
    expect(screen.queryByTestId("cancel-job")).toBeNull();
  });

  it("cancels a running job", async () => {
    route("POST", `/api/jobs/${ID}/cancel`, job(ID, { status: "cancelled" }));
    const user = userEvent.setup();
    renderWithProviders(<Progress started={job(ID, { status: "running" })} onFinished={() => undefined} />);
    await user.click(screen.getByTestId("cancel-job"));
    const cancels = () => requests.filter((r) => r.method === "POST" && new URL(r.url).pathname === `/api/jobs/${ID}/cancel`);
    await waitFor(() => expect(cancels()).toHaveLength(1));
    expect(cancels()[0].headers.get("X-CSRFToken")).toBe("test-token");
  });
});

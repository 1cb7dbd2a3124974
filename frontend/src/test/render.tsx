// Rendering helpers for component tests: a fresh query cache, and the whole app at a URL.
import "./fakeServer";
import type { ReactElement } from "react";
import { render } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryRouter, RouterProvider } from "react-router";
import { Tooltip } from "radix-ui";
import { App } from "../App";
import { routes } from "../app/routes";
import { ToastProvider } from "../components/ui";

export function testClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
}

/** ``ui`` with a query cache (``client``, fresh by default), tooltips and toasts, inside a router at ``path``. */
export function renderWithProviders(ui: ReactElement, { client = testClient(), path = "/" }: { client?: QueryClient; path?: string } = {}) {
  const router = createMemoryRouter([{ path: "*", element: ui }], { initialEntries: [path] });
  const result = render(
    <QueryClientProvider client={client}>
      <Tooltip.Provider>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </Tooltip.Provider>
    </QueryClientProvider>,
  );
  return { ...result, client, router };
}

/** The whole studio (routes, top bar, pages) opened at ``path``. */
export function renderApp(path: string, client: QueryClient = testClient()) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const result = render(
    <QueryClientProvider client={client}>
      <App router={router} />
    </QueryClientProvider>,
  );
  return { ...result, client, router };
}

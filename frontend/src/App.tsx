import { useEffect, useState } from "react";
import { RouterProvider, type DataRouter } from "react-router";
import { Tooltip } from "radix-ui";
import { ToastProvider } from "./components/ui";
import { setNavigator } from "./lib/router";
import { createAppRouter } from "./app/routes";

/** The studio: its providers (tooltips, toasts) around the router (``router`` defaults to the browser's URL). */
export function App({ router: given }: { router?: DataRouter }) {
  const [router] = useState(() => given ?? createAppRouter());
  useEffect(() => {
    setNavigator(router);
    return () => setNavigator(null);
  }, [router]);
  return (
    <Tooltip.Provider delayDuration={400}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </Tooltip.Provider>
  );
}

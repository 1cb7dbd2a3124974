import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Outlet } from "react-router";
import { LogOut, PenTool } from "lucide-react";
import { api, ok } from "../api/client";
import { keys } from "../api/queries";
import { ApiError } from "../lib/errors";
import { navigate } from "../lib/router";
import { AuthScreen } from "../features/auth/AuthScreen";
import { IconButton, Link } from "../components/ui";
import { ThemeMenu } from "./ThemeMenu";

/** The signed-in author, or null when nobody is signed in. */
export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async () => {
      try {
        return await ok(api.GET("/api/auth/me"));
      } catch (e) {
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return null;
        throw e;
      }
    },
  });
}

/** The frame of every page: the top bar and, once signed in, the page the URL names. */
export function AppShell() {
  const client = useQueryClient();
  const me = useMe();
  const logout = useMutation({
    mutationFn: () => ok(api.POST("/api/auth/logout")),
    onSuccess: () => {
      client.clear();
      client.setQueryData(keys.me, null);
      navigate("/");
    },
  });

  if (me.isPending) return <p className="loading">Loading…</p>;
  if (me.isError) return <p className="error">The studio server does not answer: {String(me.error)}</p>;
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand">
          <PenTool size={18} aria-hidden />
          stripstudio
        </Link>
        <span className="spacer" />
        <ThemeMenu />
        {me.data && (
          <>
            <span className="who" data-testid="current-user">
              {me.data.username}
            </span>
            <IconButton label="Log out" icon={<LogOut size={18} aria-hidden />} onClick={() => logout.mutate()} disabled={logout.isPending} />
          </>
        )}
      </header>
      {me.data ? <Outlet /> : <AuthScreen />}
    </div>
  );
}

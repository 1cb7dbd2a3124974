import { useQuery, useQueryClient, useMutation } from "@tanstack/react-query";
import { api, ok } from "./api/client";
import { keys } from "./api/queries";
import { ApiError } from "./lib/errors";
import { match, navigate, usePath } from "./lib/router";
import { AuthScreen } from "./features/auth/AuthScreen";
import { Dashboard } from "./features/comics/Dashboard";
import { ComicWorkspace } from "./features/comics/ComicWorkspace";
import { Link } from "./components/ui";

export function App() {
  const client = useQueryClient();
  const me = useQuery({
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
  const logout = useMutation({
    mutationFn: () => ok(api.POST("/api/auth/logout")),
    onSuccess: () => {
      client.clear();
      client.setQueryData(keys.me, null);
      navigate("/");
    },
  });
  const path = usePath();

  if (me.isPending) return <p className="loading">Loading…</p>;
  if (me.isError) return <p className="error">The studio server does not answer: {String(me.error)}</p>;
  if (!me.data) return <AuthScreen />;

  const comic = match("/comics/:id", path) ?? match("/comics/:id/:section", path) ?? match("/comics/:id/:section/:item", path);
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand">
          stripstudio
        </Link>
        <span className="spacer" />
        <span className="who" data-testid="current-user">
          {me.data.username}
        </span>
        <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
          Log out
        </button>
      </header>
      {comic ? (
        <ComicWorkspace key={comic.id} comicId={Number(comic.id)} section={comic.section} item={comic.item} />
      ) : (
        <Dashboard />
      )}
    </div>
  );
}

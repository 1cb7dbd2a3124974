import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok } from "../../api/client";
import { keys } from "../../api/queries";
import { ErrorMessage, Field } from "../../components/ui";
import { errorAbout } from "../../lib/errors";

export function AuthScreen() {
  const client = useQueryClient();
  const [mode, setMode] = useState<"login" | "signup">("login");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const submit = useMutation({
    mutationFn: () =>
      mode === "login"
        ? ok(api.POST("/api/auth/login", { body: { username, password } }))
        : ok(api.POST("/api/auth/signup", { body: { username, password } })),
    onSuccess: (author) => {
      client.setQueryData(keys.me, author);
      void client.invalidateQueries();
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate();
  };
  const title = mode === "login" ? "Log in" : "Sign up";
  return (
    <main className="auth">
      <h1>stripstudio</h1>
      <p>Make comics without drawing: describe, sketch roughly, pick, letter.</p>
      <form onSubmit={onSubmit} aria-label={title} className="card">
        <h2>{title}</h2>
        <Field label="User name" error={errorAbout(submit.error, "username")}>
          {(p) => (
            <input {...p} name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
          )}
        </Field>
        <Field label="Password" error={errorAbout(submit.error, "password")}>
          {(p) => (
            <input
              {...p}
              name="password"
              type="password"
              autoComplete={mode === "login" ? "current-password" : "new-password"}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        <ErrorMessage error={submit.error} fields={["username", "password"]} />
        <button type="submit" className="primary" disabled={submit.isPending}>
          {title}
        </button>
        <p>
          {mode === "login" ? "New here? " : "Have an account? "}
          <button
            type="button"
            className="link"
            onClick={() => {
              submit.reset();
              setMode(mode === "login" ? "signup" : "login");
            }}
          >
            {mode === "login" ? "Create an account" : "Log in instead"}
          </button>
        </p>
      </form>
    </main>
  );
}

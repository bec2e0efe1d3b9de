import { LoginDocument, RegisterDocument } from "@cartograph/client/documents";
import { useId, useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router-dom";
import { useMutation } from "urql";
import { sessionFrom, setSession } from "../session";
import { problemOf } from "../user-errors";
import { Problem } from "../components/messages";

/** Sign in (/sign-in) or create an account (/sign-up); a guest cart is merged either way (cart.tsx). */
export default function SignInPage() {
  const signUp = useLocation().pathname === "/sign-up";
  const [params] = useSearchParams();
  // Only a path on this site: never send the shopper elsewhere after signing in.
  const next = params.get("next")?.startsWith("/") && !params.get("next")?.startsWith("//") ? params.get("next")! : "/";
  const navigate = useNavigate();
  const [loginResult, login] = useMutation(LoginDocument);
  const [registerResult, register] = useMutation(RegisterDocument);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const busy = loginResult.fetching || registerResult.fetching;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = signUp
      ? await register({ input: { name, email, password } }).then((r) => ({
          payload: r.data?.register,
          error: r.error,
        }))
      : await login({ email, password }).then((r) => ({ payload: r.data?.login, error: r.error }));
    const session = result.payload ? sessionFrom(result.payload) : null;
    if (!session) return setProblem(problemOf(result.payload?.userErrors, result.error) ?? "That did not work.");
    setSession(session);
    navigate(next);
  };

  return (
    <div className="page narrow">
      <h1>{signUp ? "Create an account" : "Sign in"}</h1>
      <form className="form" onSubmit={submit}>
        {signUp && (
          <div className="field">
            <label htmlFor={`${id}-name`}>Name</label>
            <input
              id={`${id}-name`}
              autoComplete="name"
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete={signUp ? "new-password" : "current-password"}
            minLength={signUp ? 8 : undefined}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={signUp ? `${id}-password-hint` : undefined}
          />
          {signUp && (
            <p id={`${id}-password-hint`} className="muted">
              At least 8 characters.
            </p>
          )}
        </div>
        <Problem message={problem} />
        <button type="submit" className="button" disabled={busy}>
          {signUp ? "Create account" : "Sign in"}
        </button>
      </form>
      <p>
        {signUp ? (
          <Link to={`/sign-in?next=${encodeURIComponent(next)}`}>I already have an account</Link>
        ) : (
          <Link to={`/sign-up?next=${encodeURIComponent(next)}`}>Create an account</Link>
        )}
      </p>
    </div>
  );
}

'use client';
// The owner set-up and sign-in forms. Errors come from the server (wrong credentials, a weak
// password, too many attempts) and are shown as it words them.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { useTRPC } from '../lib/trpc.ts';

type FieldErrors = Record<string, string[] | undefined>;

function fieldErrors(error: unknown): FieldErrors {
  return ((error as { data?: { zodError?: { fieldErrors?: FieldErrors } } })?.data?.zodError?.fieldErrors) ?? {};
}

function Field({ label, name, type = 'text', autoComplete, errors, hint }: { label: string; name: string; type?: string; autoComplete: string; errors: FieldErrors; hint?: string }) {
  const id = useId();
  const error = errors[name]?.[0];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} className="input" name={name} type={type} autoComplete={autoComplete} required aria-invalid={error ? true : undefined} aria-describedby={`${id}-msg`} />
      {error ? <span id={`${id}-msg`} className="field-error">{label} {error}</span> : hint ? <span id={`${id}-msg`} className="hint">{hint}</span> : null}
    </div>
  );
}

/** Name, email and a new password: the owner set-up and joining by invitation. */
function NewAccountFields({ errors }: { errors: FieldErrors }) {
  return (
    <>
      <Field label="Your name" name="name" autoComplete="name" errors={errors} />
      <Field label="Email" name="email" type="email" autoComplete="email" errors={errors} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" errors={errors} hint="At least 12 characters; a few words make a good one." />
    </>
  );
}

/** After a set-up or sign-in the cookie is set: ask the server again who we are. */
function useSignedIn() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.auth.status.queryKey() });
}

const formValues = (e: FormEvent<HTMLFormElement>) => Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;

export function SetupForm() {
  const trpc = useTRPC();
  const signedIn = useSignedIn();
  const setup = useMutation(trpc.auth.setup.mutationOptions({ onSuccess: signedIn }));
  const errors = fieldErrors(setup.error);
  return (
    <form className="auth-form" onSubmit={(e) => { e.preventDefault(); setup.mutate(formValues(e) as { email: string; name: string; password: string }); }}>
      <NewAccountFields errors={errors} />
      {setup.error && Object.keys(errors).length === 0 && <p className="field-error" role="alert">{setup.error.message}</p>}
      <button type="submit" className="button button-primary auth-submit" disabled={setup.isPending}>{setup.isPending ? 'Creating…' : 'Create owner account'}</button>
    </form>
  );
}

export function SignInForm() {
  const trpc = useTRPC();
  const signedIn = useSignedIn();
  const [email, setEmail] = useState('');
  const signIn = useMutation(trpc.auth.signIn.mutationOptions({ onSuccess: signedIn }));
  return (
    <form className="auth-form" onSubmit={(e) => { e.preventDefault(); const v = formValues(e); setEmail(v.email ?? ''); signIn.mutate({ email: v.email ?? '', password: v.password ?? '' }); }}>
      <Field label="Email" name="email" type="email" autoComplete="username" errors={{}} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" errors={{}} />
      {signIn.error && <p className="field-error" role="alert">{signIn.error.message}</p>}
      <button type="submit" className="button button-primary auth-submit" disabled={signIn.isPending}>{signIn.isPending ? 'Signing in…' : 'Sign in'}</button>
      <p className="hint">Locked out? An operator can run <code>switchyard users reset-password {email || '<email>'}</code> on the server.</p>
    </form>
  );
}

export function AcceptInvitationForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const signedIn = useSignedIn();
  const router = useRouter();
  const accept = useMutation(trpc.auth.acceptInvitation.mutationOptions({ onSuccess: async () => { router.replace('/'); await signedIn(); } }));
  const errors = fieldErrors(accept.error);
  return (
    <form className="auth-form" onSubmit={(e) => { e.preventDefault(); accept.mutate({ token, ...(formValues(e) as { email: string; name: string; password: string }) }); }}>
      <NewAccountFields errors={errors} />
      {accept.error && Object.keys(errors).length === 0 && <p className="field-error" role="alert">{accept.error.message}</p>}
      <button type="submit" className="button button-primary auth-submit" disabled={accept.isPending}>{accept.isPending ? 'Joining…' : 'Create account'}</button>
    </form>
  );
}

/** What a form's submission came to: a status when it worked, an alert (read out at once) when it did not. */
export interface Outcome {
  ok: boolean;
  text: string;
}

export function FormMessage({ msg }: { msg?: Outcome }) {
  if (!msg) return null;
  return (
    <p role={msg.ok ? 'status' : 'alert'} className={msg.ok ? 'ok' : 'error'}>
      {msg.text}
    </p>
  );
}

/** The problems a refusal listed (in the page's language: useRefusal), read out at once. */
export function ProblemList({ problems }: { problems: string[] }) {
  if (!problems.length) return null;
  return (
    <ul role="alert" className="error">
      {problems.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );
}

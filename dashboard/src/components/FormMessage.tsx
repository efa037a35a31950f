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

/**
 * A URL that wraps only after its separators (/ . : ? & =), never inside a word: a long environment
 * URL stays readable in a narrow column.
 */
export function BreakableUrl({ url }: { url: string | undefined }) {
  if (!url) return <>—</>;
  const parts = url.split(/(?<=[/.:?&=])/);
  return <>{parts.flatMap((part, i) => (i === 0 ? [part] : [<wbr key={i} />, part]))}</>;
}

import { PAGE_SIZE } from '../api/packstore.js';

interface PagerProps {
  label: string;
  offset: number;
  shown: number;
  total: number;
  onChange: (offset: number) => void;
  pageSize?: number;
}

/** Previous/next for lists longer than one page of the API. */
export function Pager({ label, offset, shown, total, onChange, pageSize = PAGE_SIZE }: PagerProps) {
  if (total <= pageSize && offset === 0) return null;
  return (
    <nav aria-label={label} class="pager">
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - pageSize))}>
        Previous page
      </button>
      <span>
        {shown === 0 ? 0 : offset + 1}–{offset + shown} of {total}
      </span>
      <button type="button" disabled={offset + shown >= total} onClick={() => onChange(offset + pageSize)}>
        Next page
      </button>
    </nav>
  );
}

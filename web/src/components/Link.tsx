import type { ComponentChildren } from 'preact';
import { navigate } from '../router.js';

interface LinkProps {
  href: string;
  children: ComponentChildren;
  current?: boolean;
  class?: string;
  /** When the link's text needs its row to make sense ("Diff" of which package). */
  'aria-label'?: string;
}

/** An ordinary link that navigates inside the console without reloading it. */
export function Link({ href, children, current, class: className, 'aria-label': label }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} aria-current={current ? 'page' : undefined} class={className} aria-label={label}>
      {children}
    </a>
  );
}

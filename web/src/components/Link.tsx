import type { ComponentChildren } from 'preact';
import { navigate } from '../router.js';

interface LinkProps {
  href: string;
  children: ComponentChildren;
  current?: boolean;
  class?: string;
}

/** An ordinary link that navigates inside the console without reloading it. */
export function Link({ href, children, current, class: className }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} aria-current={current ? 'page' : undefined} class={className}>
      {children}
    </a>
  );
}

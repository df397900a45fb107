import type { MetadataObject } from '../../api/types.js';

/** Why an object is in the package: picked by the user, or added as what a picked object uses. */
export type Origin = 'picked' | 'dependency';

/** What the builder needs of an object. */
export type ObjectRef = Pick<MetadataObject, 'id' | 'type' | 'name'>;

export interface ContentItem {
  id: string;
  type: number;
  name: string;
  origin: Origin;
}

/** The package being built, by object id, in the order objects were added. */
export type Content = ReadonlyMap<string, ContentItem>;

/** The content with these objects added; an object already there keeps its first origin. */
export function withAdded(content: Content, objects: readonly ObjectRef[], origin: Origin): { next: Content; added: number } {
  const next = new Map(content);
  for (const o of objects) if (!next.has(o.id)) next.set(o.id, { id: o.id, type: o.type, name: o.name, origin });
  return { next, added: next.size - content.size };
}

export function without(content: Content, id: string): Content {
  const next = new Map(content);
  next.delete(id);
  return next;
}

/** How many objects of each type, most first. */
export function countsByType(content: Content): Array<{ type: number; count: number }> {
  const counts = new Map<number, number>();
  for (const item of content.values()) counts.set(item.type, (counts.get(item.type) ?? 0) + 1);
  return [...counts].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type - b.type);
}

export const pickedOf = (content: Content): ContentItem[] => [...content.values()].filter((item) => item.origin === 'picked');

import { OBJECT_TYPE, PROJECT_ROOT_FOLDER_ID, type MetadataObject } from './objects.js';
import { ADMINISTRATOR_TRUSTEE, defaultProjectAcl } from './acl.js';
import { stableGuid } from './stable-ids.js';

/**
 * Generated project content for volume tests: object number `index` is always the same object
 * (id, name, dates, dependencies), whatever the environment. Objects come in blocks of 100 laid out
 * like a small subject area, and every object uses only objects with smaller numbers, so any
 * prefix 0..k-1 is a consistent project.
 */
export const SEED_BLOCK_SIZE = 100;
const FOLDER_FAN_OUT = 10;
const SEED_EPOCH = Date.UTC(2024, 0, 1);

interface Slot {
  first: number;
  last: number;
  kind: string;
  type: number;
  subtype: number;
}

const SLOTS: readonly Slot[] = [
  { first: 0, last: 0, kind: 'Folder', type: OBJECT_TYPE.FOLDER, subtype: 2048 },
  { first: 1, last: 10, kind: 'Table', type: OBJECT_TYPE.TABLE, subtype: 3840 },
  { first: 11, last: 25, kind: 'Attribute', type: OBJECT_TYPE.ATTRIBUTE, subtype: 3072 },
  { first: 26, last: 35, kind: 'Fact', type: OBJECT_TYPE.FACT, subtype: 3328 },
  { first: 36, last: 60, kind: 'Metric', type: OBJECT_TYPE.METRIC, subtype: 1024 },
  { first: 61, last: 70, kind: 'Filter', type: OBJECT_TYPE.FILTER, subtype: 256 },
  { first: 71, last: 75, kind: 'Prompt', type: OBJECT_TYPE.PROMPT, subtype: 2567 },
  { first: 76, last: 94, kind: 'Report', type: OBJECT_TYPE.REPORT, subtype: 768 },
  { first: 95, last: 99, kind: 'Dashboard', type: OBJECT_TYPE.DOCUMENT, subtype: 14081 },
];

const ACL = defaultProjectAcl(false);
const FOLDER_ACL = defaultProjectAcl(true);

export function seedObjectId(index: number): string {
  return stableGuid(`packstore-seed:${index}`);
}

/** mulberry32: a tiny deterministic generator, seeded per object. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function slotOf(offset: number): Slot {
  const slot = SLOTS.find((s) => offset >= s.first && offset <= s.last);
  if (!slot) throw new Error(`No seed slot for offset ${offset}.`);
  return slot;
}

function slotByKind(kind: string): Slot {
  const slot = SLOTS.find((s) => s.kind === kind);
  if (!slot) throw new Error(`No seed slot ${kind}.`);
  return slot;
}

/** `count` distinct objects of a kind in the block, drawn with `next` (below `before` when given). */
function pick(next: () => number, base: number, kind: string, count: number, before?: number): number[] {
  const slot = slotByKind(kind);
  const last = before === undefined ? slot.last : Math.min(slot.last, before - 1);
  const size = last - slot.first + 1;
  if (size <= 0) return [];
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, size)) chosen.add(base + slot.first + Math.floor(next() * size));
  return [...chosen];
}

function usesOf(index: number, kind: string, offset: number): number[] {
  const next = random(index * 2654435761);
  const base = index - offset;
  const between = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  switch (kind) {
    case 'Attribute':
    case 'Fact':
      return pick(next, base, 'Table', between(1, 2));
    case 'Metric':
      return [...pick(next, base, 'Fact', 1), ...(next() < 0.3 ? pick(next, base, 'Metric', 1, offset) : [])];
    case 'Filter':
      return pick(next, base, 'Attribute', between(1, 2));
    case 'Prompt':
      return pick(next, base, 'Attribute', 1);
    case 'Report':
      return [
        ...pick(next, base, 'Metric', between(2, 4)),
        ...pick(next, base, 'Attribute', between(1, 3)),
        ...(next() < 0.5 ? pick(next, base, 'Filter', 1) : []),
        ...(next() < 0.2 ? pick(next, base, 'Prompt', 1) : []),
      ];
    case 'Dashboard': {
      // Dashboards also reach back to the previous block's reports, linking blocks together.
      const previous = base >= SEED_BLOCK_SIZE && next() < 0.5 ? pick(next, base - SEED_BLOCK_SIZE, 'Report', 1) : [];
      return [...pick(next, base, 'Report', between(1, 3)), ...previous];
    }
    default:
      return [];
  }
}

/** Block folders form a tree with ten subfolders each, under the project's root folder. */
function folderOf(index: number, kind: string): string {
  const block = Math.floor(index / SEED_BLOCK_SIZE);
  if (kind !== 'Folder') return seedObjectId(block * SEED_BLOCK_SIZE);
  if (block === 0) return PROJECT_ROOT_FOLDER_ID;
  return seedObjectId(Math.floor((block - 1) / FOLDER_FAN_OUT) * SEED_BLOCK_SIZE);
}

export function seedObject(index: number): MetadataObject {
  const offset = index % SEED_BLOCK_SIZE;
  const slot = slotOf(offset);
  const block = Math.floor(index / SEED_BLOCK_SIZE);
  const isCube = slot.kind === 'Report' && offset % 5 === 0;
  const date = SEED_EPOCH + index * 60_000;
  const name = slot.kind === 'Folder' ? `Generated Area ${block}` : `${isCube ? 'Cube' : slot.kind} ${index}`;
  return {
    id: seedObjectId(index),
    type: slot.type,
    subtype: isCube ? 776 : slot.subtype,
    name,
    description: '',
    folderId: folderOf(index, slot.kind),
    version: stableGuid(`packstore-seed-version:${index}`),
    dateCreated: date,
    dateModified: date,
    ownerId: ADMINISTRATOR_TRUSTEE.id,
    ownerName: ADMINISTRATOR_TRUSTEE.name,
    acl: slot.kind === 'Folder' ? FOLDER_ACL : ACL,
    definition: slot.type === OBJECT_TYPE.REPORT ? { extType: 1 } : {},
    uses: [...new Set(usesOf(index, slot.kind, offset).map(seedObjectId))].sort(),
    hidden: false,
  };
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REQUEST_STATUSES, assertImportRequestTransition, assertUndoRequestTransition, type RequestStatus } from '../src/domain/migrations/states.js';
import { decide } from '../src/domain/engine/conflicts.js';
import type { MetadataObject } from '../src/domain/objects.js';

/** Every pair (from → to), and whether it is allowed: the state machines of contract §10, in full. */
const IMPORT_REQUEST_ALLOWED: Record<RequestStatus, RequestStatus[]> = {
  unknown: ['unknown', 'requested'],
  pending: ['pending', 'requested'],
  requested: ['requested', 'approved', 'rejected', 'pending'],
  rejected: ['rejected', 'requested', 'pending'],
  approved: ['approved'],
};
const UNDO_REQUEST_ALLOWED: Record<RequestStatus, RequestStatus[]> = {
  unknown: ['unknown', 'requested'],
  pending: ['pending', 'requested'],
  requested: ['requested', 'approved', 'rejected', 'pending'],
  rejected: ['rejected', 'requested'],
  approved: ['approved'],
};

for (const [name, check, allowed] of [
  ['importRequestStatus', assertImportRequestTransition, IMPORT_REQUEST_ALLOWED],
  ['undoRequestStatus', assertUndoRequestTransition, UNDO_REQUEST_ALLOWED],
] as const) {
  describe(`${name} state machine`, () => {
    for (const from of REQUEST_STATUSES) {
      for (const to of REQUEST_STATUSES) {
        const ok = allowed[from].includes(to);
        it(`${from} → ${to} is ${ok ? 'allowed' : 'refused with 409 naming the current state'}`, () => {
          if (ok) return assert.doesNotThrow(() => check(from, to));
          assert.throws(
            () => check(from, to),
            (e: { status: number; message: string }) => e.status === 409 && e.message.includes(`it is ${from} now`),
          );
        });
      }
    }
  });
}

describe('conflict rules, decision table', () => {
  const base: MetadataObject = {
    id: 'A'.repeat(32),
    type: 4,
    subtype: 1024,
    name: 'm',
    description: '',
    folderId: 'F'.repeat(32),
    version: '1'.repeat(32),
    dateCreated: 0,
    dateModified: 1000,
    ownerId: 'B'.repeat(32),
    ownerName: 'x',
    acl: [],
    definition: {},
    uses: [],
    hidden: false,
  };
  const changed = { ...base, version: '2'.repeat(32) };
  const cases: Array<[string, MetadataObject, MetadataObject | undefined, Record<string, string>]> = [
    [
      'new',
      base,
      undefined,
      { use_existing: 'create', replace: 'create', keep_both: 'create', use_newer: 'create', use_older: 'create', force_replace: 'create', delete: 'skip' },
    ],
    [
      'identical',
      base,
      base,
      { use_existing: 'keep', replace: 'keep', keep_both: 'keep', use_newer: 'keep', use_older: 'keep', force_replace: 'replace', delete: 'delete' },
    ],
    [
      'identical except path',
      { ...base, folderId: 'E'.repeat(32) },
      base,
      { use_existing: 'keep', replace: 'move', keep_both: 'keep', use_newer: 'keep', use_older: 'keep', force_replace: 'replace', delete: 'delete' },
    ],
    [
      'source newer',
      { ...changed, dateModified: 2000 },
      base,
      { use_existing: 'keep', replace: 'replace', keep_both: 'copy', use_newer: 'replace', use_older: 'keep', force_replace: 'replace', delete: 'delete' },
    ],
    [
      'source older',
      { ...changed, dateModified: 500 },
      base,
      { use_existing: 'keep', replace: 'replace', keep_both: 'copy', use_newer: 'keep', use_older: 'replace', force_replace: 'replace', delete: 'delete' },
    ],
  ];
  for (const [name, source, target, expected] of cases) {
    for (const [action, effect] of Object.entries(expected)) {
      it(`${name}, ${action} → ${effect}`, () => assert.equal(decide(action as Parameters<typeof decide>[0], source, target), effect));
    }
  }
});

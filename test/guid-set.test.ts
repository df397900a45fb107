import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GuidSet } from '../src/domain/guid-set.js';
import { newGuid } from '../src/domain/ids.js';
import { seedObjectId } from '../src/domain/seed-objects.js';

describe('a set of GUIDs in 16 bytes each', () => {
  it('tells each GUID added before, across its growth, for random and generated ids alike', () => {
    const set = new GuidSet();
    const random = Array.from({ length: 20_000 }, newGuid);
    // Generated ids differ in a few digits only: the hash has to spread them all the same.
    const generated = Array.from({ length: 20_000 }, (_, i) => seedObjectId(i));
    for (const id of [...random, ...generated]) assert.equal(set.add(id), true, id);
    assert.equal(set.size, 40_000);
    for (const id of [...random, ...generated]) assert.equal(set.add(id), false, `${id} again`);
    assert.equal(set.size, 40_000);
    assert.equal(set.add(newGuid()), true);
  });

  it('holds the all-zero GUID like any other, and starts empty again once cleared', () => {
    const set = new GuidSet();
    const zero = '0'.repeat(32);
    assert.equal(set.add(zero), true);
    assert.equal(set.add(zero), false);
    assert.equal(set.add(`${'0'.repeat(31)}1`), true);
    assert.equal(set.size, 2);
    set.clear();
    assert.equal(set.size, 0);
    assert.equal(set.add(zero), true);
  });

  it('refuses what is not a GUID instead of reading a prefix of it', () => {
    const set = new GuidSet();
    for (const bad of ['', 'ABC', `${'A'.repeat(31)}G`, 'a'.repeat(32), `${'A'.repeat(32)}0`]) assert.throws(() => set.add(bad), /not a GUID/, bad);
  });
});

const FIRST_SLOTS = 1024;

/**
 * A set of GUIDs (32 upper-case hex digits, as checked package entries hold them) kept as 16 bytes each in one
 * typed array, by open addressing. The package reader and writer remember every object id of a package to refuse
 * one given twice: a million ids as strings in a Set weigh about 100 MB of heap, here 32 MB (48 MB for the moment
 * it grows, old and new table side by side).
 */
export class GuidSet {
  private slots = new Uint32Array(FIRST_SLOTS * 4);
  private mask = FIRST_SLOTS - 1;
  private count = 0;
  /** An empty slot is all zeros, so the all-zero GUID is kept aside. */
  private hasZero = false;

  get size(): number {
    return this.count;
  }

  /** Adds a GUID; false when it was there already. */
  add(guid: string): boolean {
    if (guid.length !== 32) throw new Error(`not a GUID: ${JSON.stringify(guid)}`);
    const [a, b, c, d] = [wordAt(guid, 0), wordAt(guid, 1), wordAt(guid, 2), wordAt(guid, 3)];
    if ((a | b | c | d) === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      this.count += 1;
      return true;
    }
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.grow();
    const at = this.find(a, b, c, d);
    if (this.slots[at] !== 0 || this.slots[at + 1] !== 0 || this.slots[at + 2] !== 0 || this.slots[at + 3] !== 0) return false;
    this.put(at, a, b, c, d);
    this.count += 1;
    return true;
  }

  clear(): void {
    this.slots = new Uint32Array(FIRST_SLOTS * 4);
    this.mask = FIRST_SLOTS - 1;
    this.count = 0;
    this.hasZero = false;
  }

  /** Where these words are, or the empty slot where they would go (linear probing): an index into `slots`. */
  private find(a: number, b: number, c: number, d: number): number {
    const { slots, mask } = this;
    for (let slot = hash(a, b, c, d) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 4;
      if (slots[at] === a && slots[at + 1] === b && slots[at + 2] === c && slots[at + 3] === d) return at;
      if (slots[at] === 0 && slots[at + 1] === 0 && slots[at + 2] === 0 && slots[at + 3] === 0) return at;
    }
  }

  private put(at: number, a: number, b: number, c: number, d: number): void {
    this.slots[at] = a;
    this.slots[at + 1] = b;
    this.slots[at + 2] = c;
    this.slots[at + 3] = d;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let at = 0; at < old.length; at += 4) {
      const [a = 0, b = 0, c = 0, d = 0] = old.subarray(at, at + 4);
      if ((a | b | c | d) !== 0) this.put(this.find(a, b, c, d), a, b, c, d);
    }
  }
}

/** Word `w` (0 to 3) of a GUID's 128 bits, read digit by digit. */
function wordAt(guid: string, w: number): number {
  let word = 0;
  for (let i = w * 8; i < w * 8 + 8; i++) {
    const code = guid.charCodeAt(i);
    const digit = code >= 48 && code <= 57 ? code - 48 : code >= 65 && code <= 70 ? code - 55 : -1;
    if (digit < 0) throw new Error(`not a GUID: ${JSON.stringify(guid)}`);
    word = word * 16 + digit;
  }
  return word;
}

/** Mixes all four words (murmur3's finaliser): generated ids differ in a few digits only. */
function hash(a: number, b: number, c: number, d: number): number {
  let h = a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca77) ^ Math.imul(d, 0xc2b2ae3d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

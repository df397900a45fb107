import { InvalidInputError } from '../domain/errors.js';
import { splitTypes } from '../domain/search/criteria.js';

/**
 * Query values the schemas have already checked the form of (contract/common.ts): lists arrive as
 * repeated keys (`type=12&type=4`), each possibly a comma list.
 */
export function commaList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Types and subtypes mixed (values of 256 and above are subtypes; an object matches either). */
export function typeList(values: readonly string[] | undefined): { type: number[]; subtype: number[] } {
  const numbers = commaList(values).map(Number);
  if (numbers.some((n) => n < 1)) throw new InvalidInputError(`type must list object type numbers, not ${JSON.stringify(values?.join(','))}.`);
  return splitTypes(numbers);
}

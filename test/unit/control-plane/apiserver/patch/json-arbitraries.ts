/** fast-check generators of JSON documents for the patch tests. */
import fc from 'fast-check';

type Json = string | number | boolean | Json[] | { [key: string]: Json };

const key = fc.constantFrom('a', 'b', 'c', 'name', 'spec', 'x~y', 'x/y', '__proto__');

/** JSON objects without null values (a merge patch cannot express a null value). */
export function jsonObjectWithoutNulls(): fc.Arbitrary<{ [key: string]: Json }> {
  const { object } = fc.letrec<{ value: Json; object: { [key: string]: Json } }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.string({ maxLength: 3 }),
      fc.integer({ min: -5, max: 5 }),
      fc.boolean(),
      fc.array(tie('value'), { maxLength: 3 }),
      tie('object'),
    ),
    object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  }));
  return object.map((o) => JSON.parse(JSON.stringify(o)) as { [key: string]: Json });
}

/**
 * Columns of the small kinds (printConfigMap, printSecret, printServiceAccount, printLease):
 * counts of their entries, the secret type, the lease holder.
 */
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, arrayField, column, mapField, nameColumn, nameOf, stringField } from './columns';
import type { Printer } from './table';

const count = (obj: unknown, key: string): number => Object.keys(mapField(obj, key)).length;

export const configMapPrinter: Printer = {
  columns: [nameColumn(), column('Data', 'string', DESCRIPTIONS.configMapData), ageColumn()],
  cells: (obj, now) => [nameOf(obj), count(obj, 'data') + count(obj, 'binaryData'), ageOf(obj, now)],
};

export const secretPrinter: Printer = {
  columns: [nameColumn(), column('Type', 'string', DESCRIPTIONS.secretType), column('Data', 'string', DESCRIPTIONS.secretData), ageColumn()],
  cells: (obj, now) => [nameOf(obj), stringField(obj, 'type'), count(obj, 'data'), ageOf(obj, now)],
};

export const serviceAccountPrinter: Printer = {
  columns: [nameColumn(), column('Secrets', 'string', DESCRIPTIONS.serviceAccountSecrets), ageColumn()],
  cells: (obj, now) => [nameOf(obj), arrayField(obj, 'secrets').length, ageOf(obj, now)],
};

export const leasePrinter: Printer = {
  columns: [nameColumn(), column('Holder', 'string', DESCRIPTIONS.leaseHolderIdentity), ageColumn()],
  cells: (obj, now) => [nameOf(obj), stringField(obj, 'spec', 'holderIdentity'), ageOf(obj, now)],
};

/**
 * SetDefaults_ResourceList (pkg/apis/core/v1/defaults.go), applied to every resource list of
 * a decoded object: quantities rounded up to milli precision.
 */
import type { ResourceList } from '../core-v1';
import { tryParseQuantity } from '../quantity';

/**
 * Each quantity rounded up to milli precision and written as
 * Kubernetes serializes it. Values that do not parse are left for validation to report.
 */
export function normalizeResourceList(list: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [name, raw] of Object.entries(list)) {
    const q = tryParseQuantity(typeof raw === 'number' ? String(raw) : String(raw ?? '').trim());
    out[name] = q instanceof Error ? raw : q.roundUp(-3).toString();
  }
  return out;
}


/**
 * An Indexed Job's successPolicy (pkg/controller/job success_policy.go, matchSuccessPolicy,
 * 1.32): the first rule met declares the Job succeeded (SuccessCriteriaMet, reason
 * SuccessPolicy) before every index is done. A rule with succeededIndexes needs all of them
 * succeeded, or succeededCount of them when both are set; a rule with only succeededCount needs
 * that many succeeded indexes in all.
 */
import type { SuccessPolicy } from '../../api/batch-v1';
import { parseIndexes } from './job-indexes';

/** The condition's message ("Matched rules at index N"), or undefined when no rule is met. */
export function matchSuccessPolicy(policy: SuccessPolicy | undefined, completions: number, succeeded: readonly number[]): string | undefined {
  if (!policy || succeeded.length === 0) return undefined;
  const done = new Set(succeeded);
  for (const [index, rule] of policy.rules.entries()) {
    if (rule.succeededIndexes !== undefined) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      if (required.length === 0) continue;
      const met = required.filter((i) => done.has(i)).length;
      if (rule.succeededCount === undefined ? met === required.length : met >= rule.succeededCount) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && done.size >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}

/**
 * Pod template validation (core ValidatePodTemplateSpec, 1.32): the template's labels and
 * annotations (reported at `<path>.labels` / `<path>.annotations`, not under metadata, as
 * Kubernetes reports them), its pod spec at `<path>.spec`, and no ephemeral containers.
 * Checks only pods get (image whitespace, scheduling gates) are not applied.
 */
import type { PodSpec, PodTemplateSpec } from '../core-v1';
import { child } from './field-path';
import { forbidden, notSupported, type FieldCause } from './field-errors';
import { validateAnnotations, validateLabels } from './object-meta';
import { validatePodSpec } from './pod-validation';

export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: string): FieldCause[] {
  const spec: PodSpec = template?.spec ?? ({ containers: [] } as PodSpec);
  const causes = [
    ...validateLabels(template?.metadata?.labels, child(path, 'labels')),
    ...validateAnnotations(template?.metadata?.annotations, child(path, 'annotations')),
    ...validatePodSpec(spec, child(path, 'spec')),
  ];
  if ((spec.ephemeralContainers as unknown[] | undefined)?.length) {
    causes.push(forbidden(child(path, 'spec.ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return causes;
}

/**
 * What the apps kinds require of a template beyond a valid pod: restartPolicy Always and no
 * activeDeadlineSeconds (`activeDeadlineSeconds in <Kind> is not Supported`).
 */
export function validateLongRunningTemplate(template: PodTemplateSpec | undefined, kind: string, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const policy = template?.spec?.restartPolicy ?? '';
  if (policy !== 'Always') causes.push(notSupported(child(path, 'spec.restartPolicy'), policy, ['Always']));
  if (template?.spec?.activeDeadlineSeconds != null) {
    causes.push(forbidden(child(path, 'spec.activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return causes;
}

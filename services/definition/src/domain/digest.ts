import { createHash } from 'node:crypto';
import { type WorkflowDef, canonicalWorkflowJson } from '@baton/model';

/** Two pushes are "the same version" exactly when their canonical workflow JSON is equal. */
export function workflowDigest(workflow: WorkflowDef): string {
  return createHash('sha256').update(canonicalWorkflowJson(workflow)).digest('hex');
}

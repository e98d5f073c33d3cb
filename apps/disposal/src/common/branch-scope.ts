import { AuthenticatedUser } from '@app/auth';
import { BranchRegistry } from '@app/platform';

/**
 * The branches a list may show: the one asked for (known, and the caller's: else 400 or 403), or
 * every branch the caller works for (`null` = all).
 */
export function listBranches(user: AuthenticatedUser, registry: BranchRegistry, branch?: string): string[] | null {
  if (branch !== undefined) {
    registry.assertKnown(branch);
    user.assertBranch(branch);
    return [branch];
  }
  return user.branchFilter();
}

/** A branch named in a path or body: known (400) and one the caller acts for (403). */
export function actingBranch(user: AuthenticatedUser, registry: BranchRegistry, branch: string): string {
  registry.assertKnown(branch);
  user.assertBranch(branch);
  return branch;
}

import { AuthenticatedUser } from '@app/auth';
import { BranchRegistry } from '@app/platform';

/**
 * The branches a list may show: the one asked for (known, and the caller's: else 400 or 403), or
 * every branch the caller works for (`null`: all of them).
 */
export function listBranches(user: AuthenticatedUser, registry: BranchRegistry, branch?: string): string[] | null {
  if (branch !== undefined) {
    registry.assertKnown(branch);
    user.assertBranch(branch);
    return [branch];
  }
  return user.branchFilter();
}

import { AuthenticatedUser } from '@app/auth';

/** Who is signed in, with the token the console forwards on their behalf. */
export interface ConsoleSession {
  token: string;
  user: AuthenticatedUser;
  /** Branch codes the person works for, wildcard resolved against the deployment's branches. */
  branches: string[];
}

/** What page scripts may know of the session (never the token). */
export interface SessionSummary {
  id: string;
  name: string;
  roles: string[];
  branches: string[];
  can: { technician: boolean; senior: boolean; cataloger: boolean; librarian: boolean };
}

export function summarise(session: ConsoleSession): SessionSummary {
  const { user } = session;
  return {
    id: user.id,
    name: user.name ?? user.id,
    roles: [...user.roles],
    branches: session.branches,
    can: {
      technician: user.hasRole('technician'),
      senior: user.hasRole('senior-technician'),
      cataloger: user.hasRole('cataloger'),
      librarian: user.hasRole('librarian'),
    },
  };
}

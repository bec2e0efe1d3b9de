import { requireViewer, type Viewer } from "@cartograph/service-kit/auth";
import { forbidden } from "@cartograph/service-kit";

/**
 * A user's notifications and preferences are theirs alone, admins included: nothing there is
 * an admin's job, and the messages can name what someone bought.
 */
export function requireSelf(viewer: Viewer | null, userId: string): Viewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.userId !== userId) throw forbidden();
  return signedIn;
}

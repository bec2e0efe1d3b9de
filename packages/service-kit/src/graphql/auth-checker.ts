import { registerEnumType, type AuthCheckerFn } from "type-graphql";
import { requireViewer, Role, type AuthContext } from "../auth";
import { forbidden } from "../errors";

registerEnumType(Role, { name: "Role" });

/** type-graphql `authChecker`: `@Authorized()` needs a viewer, `@Authorized(Role.ADMIN)` that role. */
export const authChecker: AuthCheckerFn<AuthContext, Role> = ({ context }, roles) => {
  const viewer = requireViewer(context.viewer);
  if (roles.length > 0 && !roles.some((role) => viewer.roles.includes(role))) throw forbidden();
  return true;
};

import { Authorized as TypeGraphQLAuthorized, Directive, registerEnumType, type AuthCheckerFn } from "type-graphql";
import { requireViewer, Role, type AuthContext } from "../auth";
import { forbidden } from "../errors";

registerEnumType(Role, { name: "Role" });

/** type-graphql `authChecker`: `@Authorized()` needs a viewer, `@Authorized(Role.ADMIN)` that role. */
export const authChecker: AuthCheckerFn<AuthContext, Role> = ({ context }, roles) => {
  const viewer = requireViewer(context.viewer);
  if (roles.length > 0 && !roles.some((role) => viewer.roles.includes(role))) throw forbidden();
  return true;
};

/**
 * type-graphql's `@Authorized`, also declared in the schema so the router enforces it before any
 * subgraph is called: `Authorized()` is `@authenticated`, `Authorized(Role.ADMIN)` is
 * `@requiresScopes(scopes: [["ADMIN"]])` (a viewer's roles are its scopes; any one listed role
 * suffices). The subgraph still checks it too. Use this, never type-graphql's own.
 */
export function Authorized(...roles: Role[]): MethodDecorator & PropertyDecorator {
  const declared =
    roles.length === 0
      ? Directive("@authenticated")
      : Directive(`@requiresScopes(scopes: [${roles.map((role) => `["${role}"]`).join(", ")}])`);
  const checked = TypeGraphQLAuthorized(...roles);
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    checked(target, key, descriptor as TypedPropertyDescriptor<unknown>);
    declared(target, key, descriptor as TypedPropertyDescriptor<unknown>);
  };
}

/**
 * Refuses strangers at the router (`@authenticated`) on a field whose resolver makes the finer
 * check itself (the owner or an admin): nobody signed out could pass it anyway.
 */
export const SignedInOnly = (): MethodDecorator & PropertyDecorator => Directive("@authenticated");

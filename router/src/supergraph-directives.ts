import { Kind, parse, type ConstArgumentNode, type ConstDirectiveNode, type DocumentNode } from "graphql";

/**
 * What the subgraphs declared for the router to act on (authorization, cost hints), read from the
 * supergraph's SDL: the API schema the gateway executes against has these directives stripped.
 */

export function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((argument: ConstArgumentNode) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

export function intArgumentOf(directive: ConstDirectiveNode, name: string): number | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.INT ? Number(value.value) : undefined;
}

/**
 * The name a supergraph gives a directive of a linked spec: `@link(url: ".../<spec>/v0.1")` names
 * the spec's own directive `@<spec>` (or its `as:`), an imported one by its import (or import
 * alias), and any other `@<spec>__<directive>`.
 */
function linkedName(document: DocumentNode, spec: string, directive: string): string {
  const url = new RegExp(`^https://specs\\.apollo\\.dev/${spec}/v[\\d.]+$`);
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== "link" || !url.test(stringArgument(link, "url") ?? "")) continue;
      const prefix = stringArgument(link, "as") ?? spec;
      if (directive === spec) return prefix;
      const imports = link.arguments?.find((argument) => argument.name.value === "import")?.value;
      for (const imported of imports?.kind === Kind.LIST ? imports.values : []) {
        if (imported.kind === Kind.STRING && imported.value === `@${directive}`) return directive;
        if (imported.kind === Kind.OBJECT) {
          const field = (name: string) => {
            const value = imported.fields.find((each) => each.name.value === name)?.value;
            return value?.kind === Kind.STRING ? value.value : undefined;
          };
          if (field("name") === `@${directive}`) return (field("as") ?? `@${directive}`).slice(1);
        }
      }
      return `${prefix}__${directive}`;
    }
  }
  return directive === spec ? spec : `${spec}__${directive}`;
}

/** The directives on each object and interface type, and on each `Type.field`. */
export interface SupergraphDirectives {
  types: ReadonlyMap<string, readonly ConstDirectiveNode[]>;
  fields: ReadonlyMap<string, readonly ConstDirectiveNode[]>;
}

/**
 * Reads the uses of some linked directives, by their spec names (`{ authenticated: "authenticated" }`
 * means the spec `authenticated`'s directive `@authenticated`), keyed by those names.
 */
export function readSupergraphDirectives(
  supergraphSdl: string,
  wanted: ReadonlyArray<{ spec: string; directive: string }>,
): SupergraphDirectives {
  const document = parse(supergraphSdl);
  const names = new Map(wanted.map(({ spec, directive }) => [linkedName(document, spec, directive), directive]));
  // Each use renamed to the directive's spec name, so callers need not know the supergraph's naming.
  const uses = (directives: readonly ConstDirectiveNode[] | undefined) =>
    (directives ?? []).flatMap((use) => {
      const name = names.get(use.name.value);
      return name ? [{ ...use, name: { ...use.name, value: name } }] : [];
    });
  const types = new Map<string, ConstDirectiveNode[]>();
  const fields = new Map<string, ConstDirectiveNode[]>();
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    const typeName = definition.name.value;
    const onType = uses(definition.directives);
    if (onType.length > 0) types.set(typeName, onType);
    for (const field of definition.fields ?? []) {
      const onField = uses(field.directives);
      if (onField.length > 0) fields.set(`${typeName}.${field.name.value}`, onField);
    }
  }
  return { types, fields };
}

import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from "graphql";

/** A selection set with every fragment spread replaced by its fragment, inline. */
function inlined(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  within: ReadonlySet<string> = new Set(),
): SelectionSetNode {
  const selections: SelectionNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || within.has(name)) continue; // validation refuses both before this runs
      selections.push({
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: fragment.typeCondition,
        directives: selection.directives ?? [],
        selectionSet: inlined(fragment.selectionSet, fragments, new Set([...within, name])),
      });
    } else if (selection.selectionSet) {
      selections.push({ ...selection, selectionSet: inlined(selection.selectionSet, fragments, within) });
    } else {
      selections.push(selection);
    }
  }
  return { ...selectionSet, selections };
}

/**
 * The document's operation of that name (or its only one), with its fragments inlined: every
 * field node then stands for one place in the response, which costing and authorization need.
 */
export function selectedOperation(
  document: DocumentNode,
  operationName?: string | null,
): OperationDefinitionNode | undefined {
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName),
  );
  return operation && { ...operation, selectionSet: inlined(operation.selectionSet, fragments) };
}

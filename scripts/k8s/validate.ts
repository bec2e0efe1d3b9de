import type { K8sObject } from "./manifests";

type Model = new (data: unknown) => { validate(): void };

/**
 * Validates one object against the Kubernetes OpenAPI schema of its apiVersion and kind, offline
 * (kubernetes-models' compiled validators). Returns the problems; an unknown kind is one.
 */
export async function schemaProblems(object: K8sObject): Promise<string[]> {
  const ref = `${object.kind}/${object.metadata.name}`;
  let module: unknown;
  try {
    // apiVersion "v1" lives at kubernetes-models/v1, "apps/v1" at kubernetes-models/apps/v1.
    module = await import(`kubernetes-models/${object.apiVersion}/${object.kind}`);
  } catch {
    return [`${ref}: no schema for ${object.apiVersion} ${object.kind}`];
  }
  const model = (module as Record<string, unknown>)[object.kind];
  if (typeof model !== "function") return [`${ref}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new (model as Model)(normalized(object)).validate();
    return [];
  } catch (error) {
    return [`${ref}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** kustomize wraps long base64 Secret values over lines; the API server's decoder skips newlines, the schema's "byte" format does not. */
function normalized(object: K8sObject): K8sObject {
  if (object.kind !== "Secret" || typeof object.data !== "object" || object.data === null) return object;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([key, value]) => [key, value.replace(/\s+/g, "")]),
  );
  return { ...object, data };
}

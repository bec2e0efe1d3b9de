export * from "./catalogue";
export * from "./tables";
export * from "./outbox";
export * from "./broker";
export * from "./relay";
export * from "./inbox";
export * from "./consumer";

import "reflect-metadata";

export * from "./address";
export * from "./auth";
export * from "./columns";
export * from "./config";
export * from "./db";
export * from "./entrypoints";
export * from "./errors";
export * from "./federation";
export * from "./health";
export * from "./ids";
export * from "./lifecycle";
export * from "./logger";
export * from "./money";
export * from "./pagination";
export * from "./request";
export * from "./server";
export * from "./user-error";

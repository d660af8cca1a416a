export * from "./dependency-table";
export * from "./panel";
export * from "./stat";
export * from "./status-pill";

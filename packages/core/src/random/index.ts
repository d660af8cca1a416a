export * from "./fnv1a64";
export * from "./prng";
export * from "./splitmix64";

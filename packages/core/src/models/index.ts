export * from "./labels";
export * from "./mlp";
export * from "./mlp-model-runtime";
export * from "./onnx-export";
export * from "./onnx-import";
export * from "./specialist";
export * from "./uniform-source";

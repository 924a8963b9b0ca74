// wrangler bundles `.wasm` imports as compiled modules (workerd may not compile wasm at run time).
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

//! Test harness of the runtime that `schemagate gen rust` emits verbatim into every generated
//! crate (`src/runtime/`). It includes the runtime files as the module `runtime`, so that
//! `crate::runtime::...` resolves exactly as in a generated crate, and defines hand-written
//! payloads of the three formats as the generator would.

#[path = "../../rust/mod.rs"]
pub mod runtime;

pub mod payloads;

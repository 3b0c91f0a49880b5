//! Shared model of schemagate: one `Finding` type for every schema format, the `Report`
//! that renderers consume, and the input sources (folder, file, git revision).

pub mod compat;
pub mod finding;
pub mod source;

pub use finding::{ApiUse, Finding, Level, Location, Report, Summary};
pub use source::{InputSpec, SourceError, SourceFile, SourceSet};

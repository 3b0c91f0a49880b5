//! Shared model of schemagate: one `Finding` type for every schema format, the `Report`
//! that renderers consume, the input sources (folder, file, git revision), and the positioned
//! error every loader reports.

pub mod compat;
pub mod error;
pub mod finding;
pub mod source;

pub use error::LoadError;
pub use finding::{ApiUse, Finding, Level, Location, Report, Summary};
pub use source::{InputSpec, SourceError, SourceFile, SourceSet};

//! One module per command: its clap arguments and what it does. Helpers two commands share
//! live here.

pub mod breaking;
pub mod check;
pub mod compat;
pub mod contract;
pub mod diff;
pub mod generate;
pub mod init;
pub mod registry;
pub mod rules;

use schemagate_core::{InputSpec, SourceSet};
use schemagate_protobuf as protobuf;

use crate::CliError;

/// The Protobuf files of an input (folder, file or git revision), with its buf configuration.
fn load_set(spec: &str) -> Result<SourceSet, CliError> {
    let spec = InputSpec::parse(spec);
    Ok(SourceSet::load(&spec, &|p| protobuf::is_proto(p), &protobuf::CONFIG_FILES)?)
}

fn read_text(path: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|source| CliError::Config { path: path.to_string(), source })
}

/// Runs `a` here and `b` on a scoped thread (loading the two sides of a comparison at once).
fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|s| {
        let hb = s.spawn(b);
        let ra = a();
        (ra, hb.join().expect("loader thread"))
    })
}

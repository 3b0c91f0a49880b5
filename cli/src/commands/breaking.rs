//! `schemagate breaking`: buf's breaking rules for Protobuf inputs; OpenAPI inputs go to the
//! oasdiff-compatible report of `diff`, as a gate.

use std::io::Write;

use schemagate_core::{InputSpec, Level};
use schemagate_openapi as openapi;
use schemagate_protobuf as protobuf;
use schemagate_report::Format;

use super::diff::{self, OpenApiArgs};
use super::{join, load_set};
use crate::{CliError, EXIT_BREAKING, EXIT_OK, LevelArg, OutputFormat};

// The command's doc comment (its help) is on `Command::Breaking`.
#[derive(clap::Args, Debug)]
pub struct BreakingArgs {
    /// A folder of .proto files, a .proto file, an OpenAPI file, or git:<rev>[:<path>].
    input: String,
    /// The baseline, in the same forms.
    #[arg(long)]
    against: String,
    #[arg(long, value_enum, default_value = "text")]
    format: OutputFormat,
    /// A buf.yaml or schemagate.yaml whose `breaking:` section replaces the input's own.
    #[arg(long)]
    config: Option<String>,
    /// OpenAPI: exit 1 when a change at or above this level is found.
    #[arg(long = "fail-on", value_enum, default_value = "error")]
    fail_on: LevelArg,
    #[command(flatten)]
    openapi: OpenApiArgs,
}

pub fn run(args: &BreakingArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8, CliError> {
    let (new, old) = (InputSpec::parse(&args.input), InputSpec::parse(&args.against));
    if openapi::is_openapi_input(&new) || openapi::is_openapi_input(&old) {
        diff::report(&new, &old, args.format.into(), Level::Warning, Some(args.fail_on.into()), &args.openapi, stdout)
    } else {
        protobuf_breaking(args, stdout, stderr)
    }
}

fn protobuf_breaking(args: &BreakingArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8, CliError> {
    let format = Format::from(args.format);
    let (current_set, previous_set) = std::thread::scope(|s| {
        let previous = s.spawn(|| load_set(&args.against));
        let current = load_set(&args.input);
        (
            current,
            previous.join().unwrap_or_else(|_| Err(CliError::Output(std::io::Error::other("loader thread panicked")))),
        )
    });
    let (current_set, previous_set) = (current_set?, previous_set?);
    let config_bytes = match &args.config {
        Some(path) => {
            Some((path, std::fs::read(path).map_err(|source| CliError::Config { path: path.to_string(), source })?))
        }
        None => None,
    };
    let policy =
        protobuf::breaking_config_of(&current_set, config_bytes.as_ref().map(|(p, b)| (p.as_str(), b.as_slice())))?;
    for warning in &policy.warnings {
        writeln!(stderr, "warning: {warning}")?;
    }
    let (current, previous) = join(|| protobuf::load(&current_set), || protobuf::load(&previous_set));
    let (current, previous) = (current?, previous?);
    let report = protobuf::breaking(&previous, &current, &policy);
    format.renderer().render(&report, stdout)?;
    Ok(if report.findings.is_empty() { EXIT_OK } else { EXIT_BREAKING })
}

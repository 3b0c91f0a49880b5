//! `schemagate gen rust`: a Cargo crate with typed Kafka producers and consumers for the
//! contract topics (docs/commands/gen.md).

use std::io::Write;
use std::path::{Path, PathBuf};

use schemagate_codegen::rust::{RustOptions, SubjectStrategy, generate};
use schemagate_codegen::{GenError, WriteOutcome};

use crate::{CliError, EXIT_BREAKING, EXIT_OK};

#[derive(clap::Subcommand, Debug)]
pub enum GenCommand {
    /// A Cargo crate with one typed producer and consumer per contract topic (rdkafka,
    /// Confluent wire format, Schema Registry), messages from prost-build, Avro and JSON Schema
    /// values as serde structs.
    Rust(RustArgs),
}

#[derive(clap::Args, Debug)]
pub struct RustArgs {
    /// The folder the crate is written to (replaced as a whole; entries the generator does not
    /// own, such as target/ and Cargo.lock, are kept).
    #[arg(long)]
    pub out: PathBuf,
    /// The package name (default: the output folder's name in kebab case).
    #[arg(long = "crate-name")]
    pub crate_name: Option<String>,
    /// Subject naming when a contract does not name its subject: TopicName (default),
    /// RecordName or TopicRecordName.
    #[arg(long, default_value = "TopicName")]
    pub strategy: String,
    /// Compare the output folder with what would be generated and write nothing; exit 1 when
    /// it is stale.
    #[arg(long)]
    pub check: bool,
    /// The project's configuration file; its folder is the project root (contracts/,
    /// schemas). Absent is fine when it is the default.
    #[arg(long, default_value = "schemagate.yaml")]
    pub config: PathBuf,
}

pub fn run(command: &GenCommand, stdout: &mut dyn Write) -> Result<u8, CliError> {
    match command {
        GenCommand::Rust(args) => rust(args, stdout),
    }
}

fn rust(args: &RustArgs, stdout: &mut dyn Write) -> Result<u8, CliError> {
    if !args.config.is_file() && args.config != Path::new("schemagate.yaml") {
        return Err(CliError::Usage(format!("{}: no such file", args.config.display())));
    }
    let root = match args.config.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let strategy = SubjectStrategy::parse(&args.strategy).ok_or_else(|| {
        CliError::Usage(format!("--strategy {}: expected TopicName, RecordName or TopicRecordName", args.strategy))
    })?;
    let mut options = match &args.crate_name {
        Some(name) => RustOptions::new(name.clone()),
        None => RustOptions::for_out_dir(&absolute(&args.out)),
    };
    options.strategy = strategy;
    let krate = generate(&root, &options)?;
    match schemagate_codegen::write(&args.out, &krate, args.check)? {
        WriteOutcome::Written { files } => {
            writeln!(stdout, "wrote crate {} ({files} files) to {}", krate.name, args.out.display())?;
            Ok(EXIT_OK)
        }
        WriteOutcome::UpToDate => {
            writeln!(stdout, "{} is up to date", args.out.display())?;
            Ok(EXIT_OK)
        }
        WriteOutcome::Stale { changes } => {
            writeln!(stdout, "{} is stale; run `schemagate gen rust` again:", args.out.display())?;
            for change in changes {
                writeln!(stdout, "  {change}")?;
            }
            Ok(EXIT_BREAKING)
        }
    }
}

/// `path` made absolute against the current folder (so that `--out .` names its folder).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

impl From<GenError> for CliError {
    fn from(e: GenError) -> Self {
        CliError::Gen(e)
    }
}

//! `schemagate gen rust`: a Cargo crate with typed Kafka producers and consumers for the
//! contract topics; `schemagate gen client`: a typed HTTP client for an OpenAPI document
//! (docs/commands/gen.md).

use std::io::Write;
use std::path::{Path, PathBuf};

use schemagate_codegen::client::{self, ClientOptions};
use schemagate_codegen::rust::{RustOptions, SubjectStrategy, generate};
use schemagate_codegen::{GenError, WriteOutcome};
use schemagate_core::InputSpec;

use crate::{CliError, EXIT_BREAKING, EXIT_OK};

#[derive(clap::Subcommand, Debug)]
pub enum GenCommand {
    /// A Cargo crate with one typed producer and consumer per contract topic (rdkafka,
    /// Confluent wire format, Schema Registry), messages from prost-build, Avro and JSON Schema
    /// values as serde structs.
    Rust(RustArgs),
    /// A Cargo crate with a typed async HTTP client (reqwest) for an OpenAPI 3.0 or 3.1
    /// document: one method per operation, an enum of the documented responses per operation.
    Client(ClientArgs),
}

#[derive(clap::Args, Debug)]
pub struct ClientArgs {
    /// The OpenAPI document: a file (the main file of a split spec) or git:<rev>:<path>.
    /// Without it, every OpenAPI document of schemagate.yaml (`openapi:`), each into
    /// DIR/<document name>.
    pub spec: Option<String>,
    /// The language of the client (rust is the one there is).
    #[arg(long, default_value = "rust")]
    pub lang: String,
    /// The folder the crate is written to (replaced as a whole; entries the generator does not
    /// own, such as target/ and Cargo.lock, are kept).
    #[arg(long)]
    pub out: PathBuf,
    /// The package name (default: the output folder's name in kebab case).
    #[arg(long = "crate-name")]
    pub crate_name: Option<String>,
    /// Compare the output folder with what would be generated and write nothing; exit 1 when
    /// it is stale.
    #[arg(long)]
    pub check: bool,
    /// The configuration file whose `openapi:` documents are used when SPEC is omitted.
    #[arg(long, default_value = "schemagate.yaml")]
    pub config: PathBuf,
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

pub fn run(command: &GenCommand, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8, CliError> {
    match command {
        GenCommand::Rust(args) => rust(args, stdout),
        GenCommand::Client(args) => client(args, stdout, stderr),
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

fn client(args: &ClientArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8, CliError> {
    if args.lang != "rust" {
        return Err(CliError::Usage(format!("--lang {}: the one client language there is is rust", args.lang)));
    }
    // (input, output folder, crate name) per document.
    let jobs: Vec<(String, PathBuf, ClientOptions)> = match &args.spec {
        Some(spec) => {
            let options = match &args.crate_name {
                Some(name) => ClientOptions::new(name.clone()),
                None => ClientOptions::for_out_dir(&absolute(&args.out)),
            };
            vec![(spec.clone(), args.out.clone(), options)]
        }
        None => documents_of_config(args)?,
    };
    let mut code = EXIT_OK;
    for (spec, out, options) in jobs {
        let (krate, warnings) = client::generate(&InputSpec::parse(&spec), &options)?;
        for warning in &warnings {
            writeln!(stderr, "{warning}")?;
        }
        match schemagate_codegen::write(&out, &krate, args.check)? {
            WriteOutcome::Written { files } => {
                writeln!(stdout, "wrote crate {} ({files} files) to {}", krate.name, out.display())?;
            }
            WriteOutcome::UpToDate => writeln!(stdout, "{} is up to date", out.display())?,
            WriteOutcome::Stale { changes } => {
                writeln!(stdout, "{} is stale; run `schemagate gen client` again:", out.display())?;
                for change in changes {
                    writeln!(stdout, "  {change}")?;
                }
                code = EXIT_BREAKING;
            }
        }
    }
    Ok(code)
}

/// Every OpenAPI document of the configuration: one crate each, in `--out`/<document name>
/// (or `--out` itself when there is one document).
fn documents_of_config(args: &ClientArgs) -> Result<Vec<(String, PathBuf, ClientOptions)>, CliError> {
    if !args.config.is_file() {
        return Err(CliError::Usage(format!(
            "no SPEC given and {} does not exist: name an OpenAPI document",
            args.config.display()
        )));
    }
    let config = crate::config::load_config(&args.config).map_err(CliError::Usage)?;
    let root = match args.config.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if config.openapi.is_empty() {
        return Err(CliError::Usage(format!(
            "no SPEC given and {} lists no `openapi:` documents",
            args.config.display()
        )));
    }
    if config.openapi.len() > 1 && args.crate_name.is_some() {
        return Err(CliError::Usage(
            "--crate-name names one crate; the configuration lists several OpenAPI documents".into(),
        ));
    }
    let mut jobs = Vec::new();
    for doc in &config.openapi {
        let path = root.join(&doc.path);
        let (out, options) = if config.openapi.len() == 1 {
            let options = match &args.crate_name {
                Some(name) => ClientOptions::new(name.clone()),
                None => ClientOptions::for_out_dir(&absolute(&args.out)),
            };
            (args.out.clone(), options)
        } else {
            let stem = Path::new(&doc.path).file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            let out = args.out.join(&stem);
            let options = ClientOptions::for_out_dir(&absolute(&out));
            (out, options)
        };
        jobs.push((path.display().to_string(), out, options));
    }
    Ok(jobs)
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

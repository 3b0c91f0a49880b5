//! The `schemagate` command line. Thin: parses arguments, loads inputs and configuration
//! through the library crates, picks a renderer and sets the exit code. Each command lives in
//! its own module under `commands`; this file holds the top of the clap tree, the dispatch,
//! the exit codes and the error report.

use std::ffi::OsString;
use std::fmt::Display;
use std::io::Write;

mod commands;
mod config;
mod gate;
mod subjects;

use clap::{Parser, Subcommand, ValueEnum};
use commands::{breaking, check, compat, contract, diff, generate, init, registry, rules};
use schemagate_core::Level;
use schemagate_core::error::LoadError;
use schemagate_report::Format;

/// Nothing breaking.
pub const EXIT_OK: u8 = 0;
/// Breaking changes found.
pub const EXIT_BREAKING: u8 = 1;
/// Bad usage or unreadable input.
pub const EXIT_INPUT: u8 = 2;

#[derive(Parser, Debug)]
#[command(name = "schemagate", version, about = "Schema governance: breaking-change gates for Protobuf and more")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
    Markdown,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// JUnit XML.
    Junit,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// GitLab Code Quality report (Code Climate JSON).
    Codeclimate,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            // Colour only for a terminal, and never when NO_COLOR is set.
            OutputFormat::Text
                if std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none() =>
            {
                Format::ColorText
            }
            OutputFormat::Text => Format::Text,
            OutputFormat::Json => Format::Json,
            OutputFormat::Markdown => Format::Markdown,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Junit => Format::Junit,
            OutputFormat::Github => Format::Github,
            OutputFormat::Codeclimate => Format::CodeClimate,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq, PartialOrd, Ord)]
enum LevelArg {
    Info,
    Warning,
    Error,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::Info => Level::Info,
            LevelArg::Warning => Level::Warning,
            LevelArg::Error => Level::Error,
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Report breaking changes of INPUT against a baseline: buf-compatible rules for Protobuf,
    /// oasdiff-compatible checks (errors and warnings) for OpenAPI.
    Breaking(breaking::BreakingArgs),
    /// List every change between two OpenAPI documents, with oasdiff's check ids and levels.
    Diff(diff::DiffArgs),
    /// Schema Registry compatibility verdict of NEW against earlier versions (oldest first),
    /// as the Confluent Schema Registry computes it.
    Compat(compat::CompatArgs),
    /// The merge gate: every check configured in schemagate.yaml against one baseline.
    Check(check::CheckArgs),
    /// The merge gate as a review for schema owners: `check --format html` (one self-contained
    /// page: side-by-side diffs, findings inline, consumer blast radius).
    Review(check::CheckArgs),
    /// A Confluent-compatible Schema Registry.
    Registry {
        #[command(subcommand)]
        command: registry::RegistryCommand,
    },
    /// Event contract tests: produce each contract's examples through a real Kafka broker and
    /// verify them as each consumer (docs/commands/contract.md).
    Contract {
        #[command(subcommand)]
        command: contract::ContractCommand,
    },
    /// Generate code from the contracts and schemas: `gen rust` writes a crate of typed Kafka
    /// producers and consumers, `gen client` a typed HTTP client for an OpenAPI document
    /// (docs/commands/gen.md).
    Gen {
        #[command(subcommand)]
        command: generate::GenCommand,
    },
    /// Scan a repository for schemas and write a commented schemagate.yaml, starter contracts and
    /// a CI template (docs/commands/init.md).
    Init(init::InitArgs),
    /// List the rule catalogue.
    Rules(rules::RulesArgs),
}

/// Why a command could not do its work (exit 2); its diagnostic code heads the report.
#[derive(Debug, thiserror::Error)]
enum CliError {
    /// A file, at a line and column (`path:line:col: message`); `code` names the kind of input.
    #[error("{error}")]
    Load { error: LoadError, code: &'static str },
    #[error("{0}")]
    Source(schemagate_core::SourceError),
    #[error("{path}: {source}")]
    Config { path: String, source: std::io::Error },
    #[error("{0}")]
    Usage(String),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    /// Code generation refused its input (or could not write its output).
    #[error("{0}")]
    Gen(schemagate_codegen::GenError),
}

impl CliError {
    /// An OpenAPI document that could not be loaded.
    fn openapi(error: LoadError) -> CliError {
        CliError::Load { error, code: "schemagate::openapi" }
    }

    /// An OpenAPI policy input (path filter, severity-levels file) that was refused.
    fn policy(error: LoadError) -> CliError {
        CliError::Load { error, code: "schemagate::policy" }
    }
}

impl miette::Diagnostic for CliError {
    fn code<'a>(&'a self) -> Option<Box<dyn Display + 'a>> {
        Some(Box::new(match self {
            CliError::Load { code, .. } => code,
            CliError::Source(_) => "schemagate::source",
            CliError::Config { .. } => "schemagate::config",
            CliError::Usage(_) => "schemagate::usage",
            CliError::Output(_) => "schemagate::output",
            CliError::Gen(_) => "schemagate::gen",
        }))
    }
}

// Manual conversions: the wrapped errors are the whole message, not a "caused by" chain. A bare
// `LoadError` is a Protobuf input (schema files, buf.yaml); OpenAPI documents and policy inputs
// go through `CliError::openapi` and `CliError::policy`.
impl From<LoadError> for CliError {
    fn from(error: LoadError) -> Self {
        CliError::Load { error, code: "schemagate::input" }
    }
}

impl From<schemagate_core::SourceError> for CliError {
    fn from(e: schemagate_core::SourceError) -> Self {
        CliError::Source(e)
    }
}

fn report_error(err: CliError, stderr: &mut dyn Write) {
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut text = String::new();
    if handler.render_report(&mut text, &err).is_err() {
        text = format!("error: {err}");
    }
    let _ = writeln!(stderr, "{text}");
}

/// Runs the CLI with `args` (including the program name); returns the exit code.
pub fn run(args: Vec<OsString>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = write!(stderr, "{}", e.render());
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    let _ = write!(stdout, "{}", e.render());
                    EXIT_OK
                }
                _ => EXIT_INPUT,
            };
        }
    };
    let result = match cli.command {
        Command::Breaking(args) => breaking::run(&args, stdout, stderr),
        Command::Diff(args) => diff::run(&args, stdout),
        Command::Compat(args) => compat::run(&args, stdout),
        Command::Check(args) => check::run(&args, check::CheckFormat::Text, stdout),
        Command::Review(args) => check::run(&args, check::CheckFormat::Html, stdout),
        Command::Registry { command } => registry::run(command, stdout, stderr),
        Command::Contract { command } => contract::run(&command, stdout, stderr),
        Command::Gen { command } => generate::run(&command, stdout, stderr),
        Command::Init(args) => init::run(&args, stdout),
        Command::Rules(args) => rules::run(&args, stdout),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`| head`): nothing left to say.
        Err(CliError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_INPUT,
        Err(err) => {
            report_error(err, stderr);
            EXIT_INPUT
        }
    }
}

//! The `schemagate` command line. Thin: parses arguments, loads inputs and configuration
//! through the library crates, picks a renderer and sets the exit code.

use std::ffi::OsString;
use std::fmt::Display;
use std::io::Write;

mod check;
mod config;
mod contract_cmd;
mod registry_cmd;
mod subjects;

use clap::{Parser, Subcommand, ValueEnum};
use schemagate_core::error::LoadError;
use schemagate_core::{InputSpec, Level, Report, SourceSet};
use schemagate_openapi as openapi;
use schemagate_protobuf as protobuf;
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

/// OpenAPI options shared by `diff` and `breaking`.
#[derive(clap::Args, Debug, Default)]
struct OpenApiArgs {
    /// OpenAPI: only report endpoints whose path matches this regular expression.
    #[arg(long = "match-path")]
    match_path: Option<String>,
    /// OpenAPI: do not report endpoints whose path matches this regular expression.
    #[arg(long = "exclude-path")]
    exclude_path: Option<String>,
    /// OpenAPI: ignore file for error-level changes (oasdiff's format).
    #[arg(long = "err-ignore")]
    err_ignore: Option<String>,
    /// OpenAPI: ignore file for warning-level changes (oasdiff's format).
    #[arg(long = "warn-ignore")]
    warn_ignore: Option<String>,
    /// OpenAPI: ignore file for changes of any level.
    #[arg(long = "ignore")]
    ignore: Option<String>,
    /// OpenAPI: per-check level overrides, `<check-id> <err|warn|info|none>` per line.
    #[arg(long = "severity-levels")]
    severity_levels: Option<String>,
    /// OpenAPI: minimum days between deprecation and sunset for beta endpoints.
    #[arg(long = "deprecation-days-beta", default_value_t = 31)]
    deprecation_days_beta: i64,
    /// OpenAPI: minimum days between deprecation and sunset for stable endpoints.
    #[arg(long = "deprecation-days-stable", default_value_t = 180)]
    deprecation_days_stable: i64,
    /// OpenAPI: breaking changes released without a major bump of info.version are errors
    /// (reported as info otherwise, when both versions are semantic versions).
    #[arg(long = "require-version-bump")]
    require_version_bump: bool,
    /// OpenAPI: the lowest x-stability-level whose endpoints are checked; endpoints below it
    /// change freely (oasdiff's --stability-level).
    #[arg(long = "stability-level", value_enum, default_value = "beta")]
    stability_level: StabilityArg,
}

#[derive(Clone, Copy, Debug, Default, ValueEnum)]
enum StabilityArg {
    Draft,
    Alpha,
    #[default]
    Beta,
    Stable,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ConfigVersionArg {
    V1beta1,
    V1,
    V2,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Report breaking changes of INPUT against a baseline: buf-compatible rules for Protobuf,
    /// oasdiff-compatible checks (errors and warnings) for OpenAPI.
    Breaking {
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
    },
    /// List every change between two OpenAPI documents, with oasdiff's check ids and levels.
    Diff {
        /// The new OpenAPI document: a file or git:<rev>:<path>.
        input: String,
        /// The old OpenAPI document.
        #[arg(long)]
        against: String,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// Only report changes at or above this level.
        #[arg(long, value_enum, default_value = "info")]
        level: LevelArg,
        #[command(flatten)]
        openapi: OpenApiArgs,
    },
    /// Schema Registry compatibility verdict of NEW against earlier versions (oldest first),
    /// as the Confluent Schema Registry computes it.
    Compat {
        /// The new schema file (.proto, .avsc, .json).
        input: String,
        /// Earlier versions, oldest first (repeat the flag).
        #[arg(long, required = true, num_args = 1..)]
        against: Vec<String>,
        /// PROTOBUF, AVRO or JSON (default: from the file extension).
        #[arg(long = "schema-type")]
        schema_type: Option<String>,
        /// BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE.
        #[arg(long, default_value = "BACKWARD")]
        level: String,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// The merge gate: every check configured in schemagate.yaml against one baseline.
    Check {
        /// The gate configuration.
        #[arg(long, default_value = "schemagate.yaml")]
        config: std::path::PathBuf,
        /// The baseline: git:<rev> (paths from the config at that revision), a folder laid
        /// out like the repository, or `registry` (each subject's registered versions).
        #[arg(long)]
        against: String,
        /// The registry for `--against registry` (overrides `registry.url` in the config).
        #[arg(long = "registry-url")]
        registry_url: Option<String>,
        /// With `--against registry`: also ask the registry's compatibility endpoint and show
        /// its verdict beside ours (a disagreement is a warning).
        #[arg(long = "remote-verify")]
        remote_verify: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// Exit 1 when a finding at or above this level exists (overrides the config's fail_on).
        #[arg(long = "fail-on", value_enum)]
        fail_on: Option<LevelArg>,
    },
    /// A Confluent-compatible Schema Registry.
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
    /// Event contract tests: produce each contract's examples through a real Kafka broker and
    /// verify them as each consumer (docs/commands/contract.md).
    Contract {
        #[command(subcommand)]
        command: ContractCommand,
    },
    /// List the rule catalogue.
    Rules {
        /// Show category membership for this buf config version.
        #[arg(long = "config-version", value_enum, default_value = "v2")]
        config_version: ConfigVersionArg,
    },
}

#[derive(Subcommand, Debug)]
enum ContractCommand {
    /// Create each topic, register the producer's schema, produce every example in the
    /// Confluent wire format and verify it as each consumer. Exit 1 when a contract fails.
    Test(contract_cmd::ContractArgs),
    /// Verify what each topic already holds (up to its end offsets at start) as each consumer;
    /// nothing is produced.
    Verify(contract_cmd::ContractArgs),
    /// Remove containers left behind by interrupted runs (label dev.schemagate.contract);
    /// containers of runs still going are kept unless `--all`.
    Cleanup {
        /// Also remove containers of runs that are still going.
        #[arg(long)]
        all: bool,
    },
    /// Write contracts (one per Kafka topic) from AsyncAPI 3.0 documents: producers from `send`
    /// operations, consumers from `receive`, values and examples from the messages.
    ImportAsyncapi(contract_cmd::ImportArgs),
}

#[derive(Subcommand, Debug)]
enum RegistryCommand {
    /// Serve the Confluent Schema Registry REST API from a SQLite database, enforcing each
    /// subject's compatibility level with schemagate's engines.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8081")]
        listen: std::net::SocketAddr,
        /// SQLite database file (created when missing).
        #[arg(long, default_value = "registry.db")]
        db: std::path::PathBuf,
        /// Name of an environment variable holding `user:password`; every request must then
        /// authenticate with HTTP basic auth (the secret is never printed).
        #[arg(long = "basic-auth-env")]
        basic_auth_env: Option<String>,
        /// Refuse every write.
        #[arg(long = "read-only")]
        read_only: bool,
    },
    /// Register the current version of every subject in schemagate.yaml (after merge):
    /// Protobuf imports first as referenced subjects; idempotent. Exit 1 if one is refused.
    Push {
        #[arg(long, default_value = "schemagate.yaml")]
        config: std::path::PathBuf,
        /// Overrides `registry.url` in the config.
        #[arg(long = "registry-url")]
        registry_url: Option<String>,
    },
    /// Write the latest registered version of every subject in schemagate.yaml (with its
    /// references) into a folder laid out like the repository: a baseline for `check`.
    Pull {
        #[arg(long, default_value = "schemagate.yaml")]
        config: std::path::PathBuf,
        #[arg(long = "registry-url")]
        registry_url: Option<String>,
        #[arg(long)]
        out: std::path::PathBuf,
    },
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
        Command::Breaking { input, against, format, config, fail_on, openapi: args } => {
            let (new, old) = (InputSpec::parse(&input), InputSpec::parse(&against));
            if openapi::is_openapi_input(&new) || openapi::is_openapi_input(&old) {
                openapi_report(&new, &old, format.into(), Level::Warning, Some(fail_on.into()), &args, stdout)
            } else {
                breaking(&input, &against, format.into(), config.as_deref(), stdout, stderr)
            }
        }
        Command::Diff { input, against, format, level, openapi: args } => {
            let (new, old) = (InputSpec::parse(&input), InputSpec::parse(&against));
            openapi_report(&new, &old, format.into(), level.into(), None, &args, stdout)
        }
        Command::Rules { config_version } => rules(config_version, stdout).map(|_| EXIT_OK),
        Command::Check { config, against, registry_url, remote_verify, format, fail_on } => {
            gate(&config, &against, format.into(), fail_on, registry_url.as_deref(), remote_verify, stdout)
        }
        Command::Registry { command: RegistryCommand::Push { config, registry_url } } => {
            registry_push_pull(&config, registry_url.as_deref(), None, stdout)
        }
        Command::Registry { command: RegistryCommand::Pull { config, registry_url, out } } => {
            registry_push_pull(&config, registry_url.as_deref(), Some(&out), stdout)
        }
        Command::Registry { command: RegistryCommand::Serve { listen, db, basic_auth_env, read_only } } => {
            registry_serve(listen, db, basic_auth_env.as_deref(), read_only, stderr)
        }
        Command::Contract { command: ContractCommand::Test(args) } => {
            contract_cmd::run(&args, false, stdout, stderr).map_err(CliError::Usage)
        }
        Command::Contract { command: ContractCommand::Verify(args) } => {
            contract_cmd::run(&args, true, stdout, stderr).map_err(CliError::Usage)
        }
        Command::Contract { command: ContractCommand::Cleanup { all } } => {
            contract_cmd::cleanup(all, stdout).map_err(CliError::Usage)
        }
        Command::Contract { command: ContractCommand::ImportAsyncapi(args) } => {
            contract_cmd::import_asyncapi(&args, stdout, stderr).map_err(CliError::Usage)
        }
        Command::Compat { input, against, schema_type, level, format } => {
            compat(&input, &against, schema_type.as_deref(), &level, format, stdout)
        }
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

fn load_set(spec: &str) -> Result<SourceSet, CliError> {
    let spec = InputSpec::parse(spec);
    Ok(SourceSet::load(&spec, &|p| protobuf::is_proto(p), &protobuf::CONFIG_FILES)?)
}

fn breaking(
    input: &str,
    against: &str,
    format: Format,
    config: Option<&str>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, CliError> {
    let (current_set, previous_set) = std::thread::scope(|s| {
        let previous = s.spawn(|| load_set(against));
        let current = load_set(input);
        (
            current,
            previous.join().unwrap_or_else(|_| Err(CliError::Output(std::io::Error::other("loader thread panicked")))),
        )
    });
    let (current_set, previous_set) = (current_set?, previous_set?);
    let config_bytes = match config {
        Some(path) => {
            Some((path, std::fs::read(path).map_err(|source| CliError::Config { path: path.to_string(), source })?))
        }
        None => None,
    };
    let policy = protobuf::breaking_config_of(&current_set, config_bytes.as_ref().map(|(p, b)| (*p, b.as_slice())))?;
    for warning in &policy.warnings {
        writeln!(stderr, "warning: {warning}")?;
    }
    let (current, previous) = rayon_join(|| protobuf::load(&current_set), || protobuf::load(&previous_set));
    let (current, previous) = (current?, previous?);
    let report = protobuf::breaking(&previous, &current, &policy);
    format.renderer().render(&report, stdout)?;
    Ok(if report.findings.is_empty() { EXIT_OK } else { EXIT_BREAKING })
}

fn read_text(path: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|source| CliError::Config { path: path.to_string(), source })
}

fn openapi_policy(args: &OpenApiArgs) -> Result<openapi::policy::Policy, CliError> {
    let mut policy = openapi::policy::Policy::default();
    if let Some(r) = &args.match_path {
        policy.match_path = Some(openapi::policy::Policy::path_regex("--match-path", r).map_err(CliError::policy)?);
    }
    if let Some(r) = &args.exclude_path {
        policy.exclude_path = Some(openapi::policy::Policy::path_regex("--exclude-path", r).map_err(CliError::policy)?);
    }
    for (file, level) in
        [(&args.err_ignore, Some(Level::Error)), (&args.warn_ignore, Some(Level::Warning)), (&args.ignore, None)]
    {
        if let Some(path) = file {
            policy.add_ignore_file(level, &read_text(path)?);
        }
    }
    if let Some(path) = &args.severity_levels {
        policy.add_levels_file(path, &read_text(path)?).map_err(CliError::policy)?;
    }
    Ok(policy)
}

/// OpenAPI diff: report changes at or above `min_level`; with `fail_on`, exit 1 when a change
/// at or above it is found (the `breaking` gate), else exit 0 (the `diff` changelog).
fn openapi_report(
    new: &InputSpec,
    old: &InputSpec,
    format: Format,
    min_level: Level,
    fail_on: Option<Level>,
    args: &OpenApiArgs,
    stdout: &mut dyn Write,
) -> Result<u8, CliError> {
    let policy = openapi_policy(args)?;
    let (new_spec, old_spec) = rayon_join(|| openapi::load_input(new), || openapi::load_input(old));
    let (new_spec, old_spec) = (new_spec.map_err(CliError::openapi)?, old_spec.map_err(CliError::openapi)?);
    let options = openapi::diff::Options {
        deprecation_days_beta: args.deprecation_days_beta,
        deprecation_days_stable: args.deprecation_days_stable,
        require_version_bump: args.require_version_bump,
        stability_threshold: args.stability_level as usize,
        ..openapi::diff::Options::default()
    };
    let full = openapi::changelog(&old_spec, &new_spec, &options);
    let findings = policy.apply(full.findings).into_iter().filter(|f| f.level >= min_level).collect();
    let report = Report::new(findings, full.summary.files_checked);
    // A changelog of a large spec runs to megabytes: one write per line would dominate.
    let mut out = std::io::BufWriter::new(stdout);
    format.renderer().render(&report, &mut out)?;
    out.flush()?;
    Ok(match fail_on {
        Some(level) if report.has_at_least(level) => EXIT_BREAKING,
        _ => EXIT_OK,
    })
}

/// Loads one Protobuf schema file (with the files it imports, from its folder).
fn load_proto_schema(path: &str) -> Result<protobuf::compat::CompatSchema, CliError> {
    let set = load_set(path)?;
    if set.single_file.is_none() {
        return Err(CliError::Usage(format!("{path}: expected a .proto file, not a folder")));
    }
    Ok(protobuf::load_compat_schema(&set)?)
}

fn gate(
    config: &std::path::Path,
    against: &str,
    format: Format,
    fail_on: Option<LevelArg>,
    registry_url: Option<&str>,
    remote_verify: bool,
    stdout: &mut dyn Write,
) -> Result<u8, CliError> {
    let cfg = config::load_config(config).map_err(CliError::Usage)?;
    if remote_verify && against != "registry" {
        return Err(CliError::Usage("--remote-verify needs --against registry".into()));
    }
    let baseline = if against == "registry" {
        let client = cfg.registry_client(registry_url).map_err(CliError::Usage)?;
        check::Baseline::Registry(client, remote_verify)
    } else {
        check::Baseline::parse(against)
    };
    let fail_level = match (fail_on, cfg.fail_on.as_deref()) {
        (Some(l), _) => l.into(),
        (None, Some("warning")) => Level::Warning,
        (None, Some("info")) => Level::Info,
        (None, Some("error") | None) => Level::Error,
        (None, Some(other)) => {
            return Err(CliError::Usage(format!(
                "{}: fail_on must be error, warning or info, not `{other}`",
                config.display()
            )));
        }
    };
    let report = check::run_gate(&cfg, &baseline).map_err(CliError::Usage)?;
    format.renderer().render(&report, stdout)?;
    Ok(if report.has_at_least(fail_level) { EXIT_BREAKING } else { EXIT_OK })
}

fn registry_push_pull(
    config: &std::path::Path,
    registry_url: Option<&str>,
    pull_to: Option<&std::path::Path>,
    stdout: &mut dyn Write,
) -> Result<u8, CliError> {
    let cfg = config::load_config(config).map_err(CliError::Usage)?;
    let client = cfg.registry_client(registry_url).map_err(CliError::Usage)?;
    match pull_to {
        Some(dir) => {
            subjects::pull(&cfg, &client, dir, stdout).map_err(CliError::Usage)?;
            Ok(EXIT_OK)
        }
        None => Ok(if registry_cmd::push(&cfg, &client, stdout).map_err(CliError::Usage)? {
            EXIT_OK
        } else {
            EXIT_BREAKING
        }),
    }
}

fn registry_serve(
    listen: std::net::SocketAddr,
    db: std::path::PathBuf,
    basic_auth_env: Option<&str>,
    read_only: bool,
    stderr: &mut dyn Write,
) -> Result<u8, CliError> {
    let basic_auth = match basic_auth_env {
        None => None,
        Some(var) => {
            let value =
                std::env::var(var).map_err(|_| CliError::Usage(format!("environment variable {var} is not set")))?;
            let (user, password) = value
                .split_once(':')
                .ok_or_else(|| CliError::Usage(format!("environment variable {var} must hold `user:password`")))?;
            Some((user.to_string(), password.to_string()))
        }
    };
    let auth = if basic_auth.is_some() { "basic auth" } else { "no auth" };
    writeln!(
        stderr,
        "schemagate registry on http://{listen} ({}, {auth}{})",
        db.display(),
        if read_only { ", read-only" } else { "" }
    )?;
    let config = schemagate_registry::server::ServerConfig { listen, db_path: db, basic_auth, read_only };
    schemagate_registry::server::serve(config).map_err(|e| CliError::Usage(e.to_string()))?;
    Ok(EXIT_OK)
}

/// Reads a schema file and parses it with a format's parser (errors name file, line, column).
fn load_text_schema<S>(path: &str, parse: impl Fn(&str, &str) -> Result<S, String>) -> Result<S, CliError> {
    let text = read_text(path)?;
    parse(path, &text).map_err(CliError::Usage)
}

fn compat(
    input: &str,
    against: &[String],
    schema_type: Option<&str>,
    level: &str,
    format: OutputFormat,
    stdout: &mut dyn Write,
) -> Result<u8, CliError> {
    use schemagate_core::compat::{CompatLevel, check_level};
    let level =
        CompatLevel::parse(level).ok_or_else(|| CliError::Usage(format!("unknown compatibility level `{level}`")))?;
    let schema_type = match schema_type {
        Some(t) => t.to_ascii_uppercase(),
        None if input.ends_with(".proto") => "PROTOBUF".into(),
        None if input.ends_with(".avsc") => "AVRO".into(),
        None if input.ends_with(".json") => "JSON".into(),
        None => return Err(CliError::Usage(format!("{input}: cannot tell the schema type; pass --schema-type"))),
    };
    let result = match schema_type.as_str() {
        "PROTOBUF" => {
            let update = load_proto_schema(input)?;
            let previous = against.iter().map(|p| load_proto_schema(p)).collect::<Result<Vec<_>, _>>()?;
            check_level(&protobuf::compat::ProtobufEngine, level, &update, &previous)
        }
        "AVRO" => {
            let parse = |name: &str, text: &str| schemagate_avro::parse(name, text, &[]).map_err(|e| e.to_string());
            let update = load_text_schema(input, parse)?;
            let previous = against.iter().map(|p| load_text_schema(p, parse)).collect::<Result<Vec<_>, _>>()?;
            check_level(&schemagate_avro::AvroEngine, level, &update, &previous)
        }
        "JSON" => {
            let parse =
                |name: &str, text: &str| schemagate_jsonschema::parse(name, text, &[]).map_err(|e| e.to_string());
            let update = load_text_schema(input, parse)?;
            let previous = against.iter().map(|p| load_text_schema(p, parse)).collect::<Result<Vec<_>, _>>()?;
            check_level(&schemagate_jsonschema::JsonSchemaEngine, level, &update, &previous)
        }
        other => {
            return Err(CliError::Usage(format!("unknown schema type `{other}` (expected PROTOBUF, AVRO or JSON)")));
        }
    };
    match format {
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(&result).map_err(std::io::Error::other)?;
            writeln!(stdout, "{text}")?;
        }
        _ => {
            if result.compatible {
                writeln!(stdout, "compatible ({} against {} earlier version(s))", level.name(), against.len())?;
            } else {
                writeln!(stdout, "incompatible ({}):", level.name())?;
                for m in &result.messages {
                    writeln!(stdout, "  {} {} {}", m.kind, m.path, m.message)?;
                }
            }
        }
    }
    Ok(if result.compatible { EXIT_OK } else { EXIT_BREAKING })
}

fn rayon_join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|s| {
        let hb = s.spawn(b);
        let ra = a();
        (ra, hb.join().expect("loader thread"))
    })
}

fn rules(version: ConfigVersionArg, stdout: &mut dyn Write) -> Result<(), CliError> {
    use protobuf::rules::{ALL, ConfigVersion};
    let version = match version {
        ConfigVersionArg::V1beta1 => ConfigVersion::V1Beta1,
        ConfigVersionArg::V1 => ConfigVersion::V1,
        ConfigVersionArg::V2 => ConfigVersion::V2,
    };
    writeln!(stdout, "{:<48} {:<32} PURPOSE", "ID", "CATEGORIES")?;
    for rule in ALL {
        let exists = if rule.is_deprecated() {
            protobuf::rules::deprecated_in(rule.id, version)
        } else {
            rule.membership.exists_in(version)
        };
        if !exists {
            continue;
        }
        let cats = if rule.is_deprecated() {
            format!("deprecated -> {}", rule.replacement_ids(version).join(","))
        } else {
            rule.membership.categories(version).iter().map(|c| c.id()).collect::<Vec<_>>().join(",")
        };
        writeln!(stdout, "{:<48} {:<32} {}", rule.id, cats, rule.purpose)?;
    }
    Ok(())
}

//! `schemagate contract test|verify|cleanup|import-asyncapi`: event contract tests through a
//! real Kafka broker.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use schemagate_contract::{ContractError, ContractSettings, Mode, RunOptions, kafka, report};
use schemagate_registry::client::Client;

use crate::CliError;
use crate::config::{GateConfig, load_config};

#[derive(clap::Subcommand, Debug)]
pub enum ContractCommand {
    /// Create each topic, register the producer's schema, produce every example in the
    /// Confluent wire format and verify it as each consumer. Exit 1 when a contract fails.
    Test(ContractArgs),
    /// Verify what each topic already holds (up to its end offsets at start) as each consumer;
    /// nothing is produced.
    Verify(ContractArgs),
    /// Remove containers left behind by interrupted runs (label dev.schemagate.contract);
    /// containers of runs still going are kept unless `--all`.
    Cleanup {
        /// Also remove containers of runs that are still going.
        #[arg(long)]
        all: bool,
    },
    /// Write contracts (one per Kafka topic) from AsyncAPI 3.0 documents: producers from `send`
    /// operations, consumers from `receive`, values and examples from the messages.
    ImportAsyncapi(ImportArgs),
}

pub fn run(command: &ContractCommand, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8, CliError> {
    match command {
        ContractCommand::Test(args) => test_or_verify(args, false, stdout, stderr),
        ContractCommand::Verify(args) => test_or_verify(args, true, stdout, stderr),
        ContractCommand::Cleanup { all } => cleanup(*all, stdout),
        ContractCommand::ImportAsyncapi(args) => import_asyncapi(args, stdout, stderr),
    }
    .map_err(CliError::Usage)
}

/// Output formats of a contract run.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ContractFormat {
    Text,
    Json,
    Junit,
}

/// Kafka modes on the command line.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum KafkaArg {
    Testcontainers,
    External,
    Embedded,
}

/// Flags shared by `contract test` and `contract verify`.
#[derive(clap::Args, Debug)]
pub struct ContractArgs {
    /// The contracts folder (default: `contract.contracts` in the config, else `contracts`).
    #[arg(long)]
    pub contracts: Option<PathBuf>,
    /// testcontainers (default when a Docker engine answers), external, or embedded
    /// (librdkafka's in-process mock cluster; the default without Docker).
    #[arg(long, value_enum)]
    pub kafka: Option<KafkaArg>,
    /// The cluster for `--kafka external`.
    #[arg(long = "bootstrap-servers")]
    pub bootstrap_servers: Option<String>,
    /// A librdkafka setting for every client, e.g. `-X security.protocol=SASL_SSL` (repeat).
    #[arg(short = 'X', value_name = "KEY=VALUE")]
    pub settings: Vec<String>,
    /// `embedded` (our registry in-process on a free loopback port; the default) or a URL.
    #[arg(long)]
    pub registry: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ContractFormat,
    /// Produce each example N times (load runs).
    #[arg(long, default_value = "1")]
    pub repeat: usize,
    /// Seconds each consumer waits for the messages it expects.
    #[arg(long, default_value = "60")]
    pub timeout: u64,
    /// The configuration file (optional).
    #[arg(long, default_value = "schemagate.yaml")]
    pub config: PathBuf,
}

/// Exit codes as for the gate: 0 passed, 1 a contract failed, 2 bad input or infrastructure.
fn test_or_verify(
    args: &ContractArgs,
    verify_only: bool,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, String> {
    let config = if args.config.is_file() {
        load_config(&args.config)?
    } else if args.config != Path::new("schemagate.yaml") {
        return Err(format!("{}: no such file", args.config.display()));
    } else {
        GateConfig::default()
    };
    let mut settings: ContractSettings = config.contract.clone().unwrap_or_default();
    let dir = args
        .contracts
        .clone()
        .or_else(|| settings.contracts.as_ref().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("contracts"));
    let contracts = schemagate_contract::load_dir(&dir).map_err(|e| e.to_string())?;
    let project =
        dir.parent().map(Path::to_path_buf).filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| ".".into());

    for s in &args.settings {
        let (k, v) = s.split_once('=').ok_or_else(|| format!("-X {s}: expected KEY=VALUE"))?;
        settings.kafka.config.insert(k.trim().to_string(), v.to_string());
    }
    if let Some(b) = &args.bootstrap_servers {
        settings.kafka.bootstrap_servers = Some(b.clone());
    }
    let mut announced = false;
    let mode = match args.kafka {
        Some(KafkaArg::Testcontainers) => Mode::Testcontainers,
        Some(KafkaArg::External) => Mode::External,
        Some(KafkaArg::Embedded) => Mode::Embedded,
        None => match settings.kafka.mode {
            Some(m) => m,
            None if settings.kafka.bootstrap_servers.is_some() => Mode::External,
            None if kafka::docker_available() => Mode::Testcontainers,
            None => {
                writeln!(
                    stderr,
                    "schemagate: no Docker engine answers: using librdkafka's in-process mock cluster \
                     (--kafka embedded), NOT a real broker"
                )
                .map_err(|e| e.to_string())?;
                announced = true;
                Mode::Embedded
            }
        },
    };

    // The registry first: it is cheap, and a bad URL should not cost a container start.
    let registry_choice = args.registry.clone().or(settings.registry.clone()).unwrap_or_else(|| "embedded".into());
    let scratch = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let (client, _server) = if registry_choice == "embedded" {
        let server = schemagate_registry::server::spawn(schemagate_registry::server::ServerConfig {
            listen: "127.0.0.1:0".parse().map_err(|e| format!("{e}"))?,
            db_path: scratch.path().join("registry.db"),
            basic_auth: None,
            read_only: false,
        })
        .map_err(|e| format!("cannot start the embedded registry: {e}"))?;
        let client = Client::new(&schemagate_registry::client::ClientConfig::new(server.url()))
            .map_err(|e| format!("registry: {e}"))?;
        (client, Some(server))
    } else {
        (config.registry_client(Some(&registry_choice))?, None)
    };

    let options = RunOptions {
        project,
        repeat: args.repeat.max(1),
        verify_only,
        consume_timeout: Duration::from_secs(args.timeout.max(1)),
    };
    let prepared = schemagate_contract::runner::prepare(&contracts, &options, &client).map_err(|e| e.to_string())?;
    let run_id = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
    );
    let cluster = kafka::start(mode, &settings.kafka, &run_id).map_err(|e| e.to_string())?;
    if cluster.is_embedded() && !announced {
        writeln!(stderr, "schemagate: Kafka is librdkafka's in-process mock cluster, not a real broker")
            .map_err(|e| e.to_string())?;
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{elapsed}] {bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let outcome = schemagate_contract::run(&contracts, prepared, &cluster, &client, &options, &mut |p| {
        if let Some(bar) = &bar {
            match p {
                schemagate_contract::Progress::Planned { total } => bar.set_length(total),
                schemagate_contract::Progress::Step { label } => {
                    bar.set_message(label.to_string());
                    bar.inc(1);
                }
            }
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if kafka::interrupted() {
        // The signal thread removes this run's containers and exits with 130.
        loop {
            std::thread::park();
        }
    }
    let stopped = cluster.stop();
    let report = outcome.map_err(|e: ContractError| e.to_string())?;
    stopped.map_err(|e| e.to_string())?;
    match args.format {
        ContractFormat::Text => report::text(&report, stdout),
        ContractFormat::Json => report::json(&report, stdout),
        ContractFormat::Junit => report::junit(&report, stdout),
    }
    .map_err(|e| format!("writing output: {e}"))?;
    Ok(if report.passed() { 0 } else { 1 })
}

/// `contract cleanup`: removes containers labelled `dev.schemagate.contract` whose run has
/// ended (all of them with `all`).
fn cleanup(all: bool, stdout: &mut dyn Write) -> Result<u8, String> {
    let (removed, kept) = kafka::cleanup(all).map_err(|e| e.to_string())?;
    let out = |stdout: &mut dyn Write, line: String| writeln!(stdout, "{line}").map_err(|e| e.to_string());
    for id in &removed {
        out(stdout, format!("removed {}", &id[..id.len().min(12)]))?;
    }
    for id in &kept {
        out(stdout, format!("kept {} (its run is still going; --all removes it)", &id[..id.len().min(12)]))?;
    }
    out(stdout, format!("{} container(s) removed", removed.len()))?;
    Ok(0)
}

/// Flags of `contract import-asyncapi`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// AsyncAPI 3.0 documents (YAML or JSON), typically one per service.
    #[arg(required = true, value_name = "DOC")]
    pub documents: Vec<PathBuf>,
    /// The contracts folder to write to; its parent is the project root.
    #[arg(long, default_value = "contracts")]
    pub contracts: PathBuf,
    /// Where inline schemas (and schema files outside the project) are written
    /// (default: `<contracts>/asyncapi-schemas`).
    #[arg(long = "schemas-dir")]
    pub schemas_dir: Option<PathBuf>,
    /// Print the contracts on stdout instead of writing any file.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
}

/// `contract import-asyncapi`: every file is planned and checked before any is written.
fn import_asyncapi(args: &ImportArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8, String> {
    use schemagate_contract::asyncapi;
    let options = asyncapi::ImportOptions {
        documents: args.documents.clone(),
        contracts: args.contracts.clone(),
        schemas_dir: args.schemas_dir.clone(),
    };
    let mut notes = Vec::new();
    let planned = asyncapi::plan(&options, &mut notes);
    for note in &notes {
        writeln!(stderr, "schemagate: {note}").map_err(|e| e.to_string())?;
    }
    let files = planned.map_err(|e| e.to_string())?;
    let out = |w: &mut dyn Write, text: String| write!(w, "{text}").map_err(|e| e.to_string());
    if args.dry_run {
        for f in &files {
            if f.is_contract {
                out(stdout, format!("--- # {}\n{}", f.path.display(), f.text))?;
            } else {
                out(stderr, format!("schemagate: dry run: would write {} ({})\n", f.path.display(), f.summary))?;
            }
        }
        return Ok(0);
    }
    asyncapi::write(&files).map_err(|e| e.to_string())?;
    for f in &files {
        out(stdout, format!("wrote {} ({})\n", f.path.display(), f.summary))?;
    }
    Ok(0)
}

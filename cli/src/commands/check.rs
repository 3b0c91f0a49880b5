//! `schemagate check`: the merge gate (crate::gate) over schemagate.yaml, against one baseline.

use std::io::Write;
use std::path::PathBuf;

use schemagate_core::Level;
use schemagate_report::Format;

use crate::config::load_config;
use crate::gate::{Baseline, run_gate};
use crate::{CliError, EXIT_BREAKING, EXIT_OK, LevelArg, OutputFormat};

// The command's doc comment (its help) is on `Command::Check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The gate configuration.
    #[arg(long, default_value = "schemagate.yaml")]
    config: PathBuf,
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
}

pub fn run(args: &CheckArgs, stdout: &mut dyn Write) -> Result<u8, CliError> {
    let cfg = load_config(&args.config).map_err(CliError::Usage)?;
    let against = args.against.as_str();
    if args.remote_verify && against != "registry" {
        return Err(CliError::Usage("--remote-verify needs --against registry".into()));
    }
    let baseline = if against == "registry" {
        let client = cfg.registry_client(args.registry_url.as_deref()).map_err(CliError::Usage)?;
        Baseline::Registry(client, args.remote_verify)
    } else {
        Baseline::parse(against)
    };
    let fail_level = match (args.fail_on, cfg.fail_on.as_deref()) {
        (Some(l), _) => l.into(),
        (None, Some("warning")) => Level::Warning,
        (None, Some("info")) => Level::Info,
        (None, Some("error") | None) => Level::Error,
        (None, Some(other)) => {
            return Err(CliError::Usage(format!(
                "{}: fail_on must be error, warning or info, not `{other}`",
                args.config.display()
            )));
        }
    };
    let report = run_gate(&cfg, &baseline).map_err(CliError::Usage)?;
    Format::from(args.format).renderer().render(&report, stdout)?;
    Ok(if report.has_at_least(fail_level) { EXIT_BREAKING } else { EXIT_OK })
}

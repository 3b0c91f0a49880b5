//! `schemagate diff`: every change between two OpenAPI documents (a changelog, exit 0), and
//! the OpenAPI report `breaking` gates on.

use std::io::Write;

use clap::ValueEnum;
use schemagate_core::{InputSpec, Level, Report};
use schemagate_openapi as openapi;
use schemagate_report::Format;

use super::{join, read_text};
use crate::{CliError, EXIT_BREAKING, EXIT_OK, LevelArg, OutputFormat};

// The command's doc comment (its help) is on `Command::Diff`.
#[derive(clap::Args, Debug)]
pub struct DiffArgs {
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
}

/// OpenAPI options shared by `diff` and `breaking`.
#[derive(clap::Args, Debug, Default)]
pub struct OpenApiArgs {
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
    /// OpenAPI: minimum days between deprecation and sunset for beta endpoints (0, as oasdiff's
    /// CLI: no sunset required).
    #[arg(long = "deprecation-days-beta", default_value_t = 0)]
    deprecation_days_beta: i64,
    /// OpenAPI: minimum days between deprecation and sunset for stable endpoints (0, as oasdiff's
    /// CLI; its GitHub Action uses 180, and 31 for beta).
    #[arg(long = "deprecation-days-stable", default_value_t = 0)]
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

pub fn run(args: &DiffArgs, stdout: &mut dyn Write) -> Result<u8, CliError> {
    let (new, old) = (InputSpec::parse(&args.input), InputSpec::parse(&args.against));
    report(&new, &old, args.format.into(), args.level.into(), None, &args.openapi, stdout)
}

fn policy(args: &OpenApiArgs) -> Result<openapi::policy::Policy, CliError> {
    use openapi::policy::Policy;
    let mut policy = Policy::default();
    if let Some(r) = &args.match_path {
        policy.match_path = Some(Policy::path_regex("--match-path", r).map_err(CliError::policy)?);
    }
    if let Some(r) = &args.exclude_path {
        policy.exclude_path = Some(Policy::path_regex("--exclude-path", r).map_err(CliError::policy)?);
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
pub fn report(
    new: &InputSpec,
    old: &InputSpec,
    format: Format,
    min_level: Level,
    fail_on: Option<Level>,
    args: &OpenApiArgs,
    stdout: &mut dyn Write,
) -> Result<u8, CliError> {
    let policy = policy(args)?;
    let (new_spec, old_spec) = join(|| openapi::load_input(new), || openapi::load_input(old));
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

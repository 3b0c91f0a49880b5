//! `schemagate check`: the merge gate (crate::gate) over schemagate.yaml, against one baseline.

use std::io::Write;
use std::path::PathBuf;

use schemagate_core::Level;
use schemagate_report::Format;
use schemagate_report::review::{COMMENT_LIMIT, render_html, render_markdown};

use crate::config::load_config;
use crate::gate::{Baseline, review, run_gate};
use crate::{CliError, EXIT_BREAKING, EXIT_OK, LevelArg};

/// Output formats of `check`: the report formats every command has, plus the review (`html`);
/// `markdown` is the review as a pull-request comment, with the blast radius.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    Text,
    Json,
    /// A pull-request comment: verdict, next steps, findings with their blast radius (at most
    /// 65,536 characters, GitHub's limit).
    Markdown,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// JUnit XML.
    Junit,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// GitLab Code Quality report (Code Climate JSON).
    Codeclimate,
    /// The review: one self-contained HTML page with side-by-side diffs, findings inline and
    /// the consumer blast radius.
    Html,
}

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
    /// Output format (default: text for `check`, html for `review`).
    #[arg(long, value_enum)]
    format: Option<CheckFormat>,
    /// Where the HTML review is published (a CI artifact's name or URL), named in the markdown
    /// comment when it is cut to GitHub's size limit.
    #[arg(long = "review-url")]
    review_url: Option<String>,
    /// Exit 1 when a finding at or above this level exists (overrides the config's fail_on).
    #[arg(long = "fail-on", value_enum)]
    fail_on: Option<LevelArg>,
}

pub fn run(args: &CheckArgs, default_format: CheckFormat, stdout: &mut dyn Write) -> Result<u8, CliError> {
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
    let code = if report.has_at_least(fail_level) { EXIT_BREAKING } else { EXIT_OK };
    let format = match args.format.unwrap_or(default_format) {
        CheckFormat::Html | CheckFormat::Markdown => {
            let html = args.format.unwrap_or(default_format) == CheckFormat::Html;
            let review = review::build(&cfg, &baseline, against, report, fail_level, args.review_url.clone())
                .map_err(CliError::Usage)?;
            if html {
                render_html(&review, stdout)?;
            } else {
                render_markdown(&review, COMMENT_LIMIT, stdout)?;
            }
            return Ok(code);
        }
        CheckFormat::Text => crate::OutputFormat::Text.into(),
        CheckFormat::Json => Format::Json,
        CheckFormat::Sarif => Format::Sarif,
        CheckFormat::Junit => Format::Junit,
        CheckFormat::Github => Format::Github,
        CheckFormat::Codeclimate => Format::CodeClimate,
    };
    format.renderer().render(&report, stdout)?;
    Ok(code)
}

//! `schemagate rules`: the Protobuf rule catalogue, with each rule's categories.

use std::io::Write;

use clap::ValueEnum;
use schemagate_protobuf::rules::{ALL, ConfigVersion, deprecated_in};

use crate::{CliError, EXIT_OK};

// The command's doc comment (its help) is on `Command::Rules`.
#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Show category membership for this buf config version.
    #[arg(long = "config-version", value_enum, default_value = "v2")]
    config_version: ConfigVersionArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ConfigVersionArg {
    V1beta1,
    V1,
    V2,
}

pub fn run(args: &RulesArgs, stdout: &mut dyn Write) -> Result<u8, CliError> {
    let version = match args.config_version {
        ConfigVersionArg::V1beta1 => ConfigVersion::V1Beta1,
        ConfigVersionArg::V1 => ConfigVersion::V1,
        ConfigVersionArg::V2 => ConfigVersion::V2,
    };
    writeln!(stdout, "{:<48} {:<32} PURPOSE", "ID", "CATEGORIES")?;
    for rule in ALL {
        let exists =
            if rule.is_deprecated() { deprecated_in(rule.id, version) } else { rule.membership.exists_in(version) };
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
    Ok(EXIT_OK)
}

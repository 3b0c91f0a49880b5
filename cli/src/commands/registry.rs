//! `schemagate registry serve|push|pull`: our Confluent-compatible Schema Registry, and the
//! configured subjects sent to or fetched from a registry.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use schemagate_registry::client::{Client, ClientError, Schema, register_with_references, registered_references};

use crate::config::{GateConfig, GateError, load_config};
use crate::subjects::{self, registry_error};
use crate::{CliError, EXIT_BREAKING, EXIT_OK};

#[derive(Subcommand, Debug)]
pub enum RegistryCommand {
    /// Serve the Confluent Schema Registry REST API from a SQLite database, enforcing each
    /// subject's compatibility level with schemagate's engines.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8081")]
        listen: std::net::SocketAddr,
        /// SQLite database file (created when missing).
        #[arg(long, default_value = "registry.db")]
        db: PathBuf,
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
        config: PathBuf,
        /// Overrides `registry.url` in the config.
        #[arg(long = "registry-url")]
        registry_url: Option<String>,
    },
    /// Write the latest registered version of every subject in schemagate.yaml (with its
    /// references) into a folder laid out like the repository: a baseline for `check`.
    Pull {
        #[arg(long, default_value = "schemagate.yaml")]
        config: PathBuf,
        #[arg(long = "registry-url")]
        registry_url: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(command: RegistryCommand, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8, CliError> {
    match command {
        RegistryCommand::Serve { listen, db, basic_auth_env, read_only } => {
            serve(listen, db, basic_auth_env.as_deref(), read_only, stderr)
        }
        RegistryCommand::Push { config, registry_url } => {
            let (cfg, client) = configured(&config, registry_url.as_deref())?;
            Ok(if push(&cfg, &client, stdout).map_err(CliError::Usage)? { EXIT_OK } else { EXIT_BREAKING })
        }
        RegistryCommand::Pull { config, registry_url, out } => {
            let (cfg, client) = configured(&config, registry_url.as_deref())?;
            subjects::pull(&cfg, &client, &out, stdout).map_err(CliError::Usage)?;
            Ok(EXIT_OK)
        }
    }
}

/// The configuration and a client for its registry (`registry_url` overrides the file's).
fn configured(config: &Path, registry_url: Option<&str>) -> Result<(GateConfig, Client), CliError> {
    let cfg = load_config(config).map_err(CliError::Usage)?;
    let client = cfg.registry_client(registry_url).map_err(CliError::Usage)?;
    Ok((cfg, client))
}

fn serve(
    listen: std::net::SocketAddr,
    db: PathBuf,
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

/// What `push` did for a subject.
enum Pushed {
    Registered { id: i64, version: i64 },
    Incompatible(Vec<String>),
}

/// Registers every configured subject's current schema (imports first, idempotent: the same
/// text under the same subject keeps its id and version).
fn push(config: &GateConfig, client: &Client, out: &mut dyn Write) -> Result<bool, GateError> {
    let mut all_ok = true;
    for subject in &config.subjects {
        let err = |e: ClientError| registry_error(client, &subject.name, e);
        let payload = subjects::payload(config, subject)?;
        let result =
            register_with_references(client, &subject.name, &payload.text, &payload.schema_type, &payload.imports);
        let pushed = match result {
            Ok(id) => {
                let refs = registered_references(client, &payload.schema_type, &payload.text, &payload.imports)
                    .map_err(err)?
                    .unwrap_or_default();
                let schema = Schema::new(&payload.schema_type, payload.text.clone()).with_references(refs);
                let version = client.lookup(&subject.name, &schema).map_err(err)?.map(|v| v.version).unwrap_or(0);
                Pushed::Registered { id, version }
            }
            Err(ClientError::Incompatible { messages, .. }) => Pushed::Incompatible(messages),
            Err(e) => return Err(err(e)),
        };
        let line = match pushed {
            Pushed::Registered { id, version } => {
                format!("{}: registered {} as version {version} (id {id})", subject.name, subject.file)
            }
            Pushed::Incompatible(messages) => {
                all_ok = false;
                format!("{}: REFUSED, incompatible: {}", subject.name, messages.join("; "))
            }
        };
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    Ok(all_ok)
}

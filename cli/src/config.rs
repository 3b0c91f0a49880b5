//! `schemagate.yaml`: the configuration `check`, `registry push|pull` and `contract` read.

use std::path::{Path, PathBuf};

use schemagate_core::error::LoadError;
use schemagate_registry::client::{Auth, Client, ClientConfig};
use serde::Deserialize;

/// The `schemagate.yaml` gate configuration (documented in docs/config.md, JSON Schema in
/// docs/schemagate.schema.json).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateConfig {
    /// buf-style Protobuf settings; `breaking:` lives at the top level like in buf.yaml.
    #[serde(default)]
    pub protobuf: Option<ProtobufConfig>,
    #[serde(default)]
    pub breaking: Option<serde_json::Value>,
    #[serde(default)]
    pub openapi: Vec<OpenApiSpec>,
    #[serde(default)]
    pub subjects: Vec<Subject>,
    /// error (default), warning or info.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// Report schema files that no subject maps ("no schema, no merge").
    #[serde(default)]
    pub require_subjects: bool,
    #[serde(default)]
    pub version: Option<String>,
    /// The Schema Registry used by `--against registry`.
    #[serde(default)]
    pub registry: Option<RegistryConfig>,
    /// `schemagate contract test` settings (contracts folder, Kafka, registry).
    #[serde(default)]
    pub contract: Option<schemagate_contract::ContractSettings>,
}

impl GateConfig {
    /// The client for `registry:` (or only `--registry-url`).
    pub fn registry_client(&self, url: Option<&str>) -> Result<Client, GateError> {
        self.registry.as_ref().unwrap_or(&RegistryConfig::default()).client(url)
    }
}

/// How to reach the registry. Secrets are never written in the file: the fields name
/// environment variables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryConfig {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub username_env: Option<String>,
    #[serde(default)]
    pub password_env: Option<String>,
    #[serde(default)]
    pub token_env: Option<String>,
    /// PEM file of extra CA certificates.
    #[serde(default)]
    pub ca_cert: Option<PathBuf>,
}

impl RegistryConfig {
    /// A client for this registry; `url` (from the command line) overrides the file's.
    pub fn client(&self, url: Option<&str>) -> Result<Client, GateError> {
        let url = url.map(str::to_string).or_else(|| self.url.clone()).ok_or_else(|| {
            "--against registry needs a registry URL: --registry-url or `registry.url` in the config".to_string()
        })?;
        let mut cfg = ClientConfig::new(url);
        cfg.auth = match (&self.username_env, &self.password_env, &self.token_env) {
            (Some(u), Some(p), None) => Auth::Basic { user_env: u.clone(), password_env: p.clone() },
            (None, None, Some(t)) => Auth::Bearer { token_env: t.clone() },
            (None, None, None) => Auth::None,
            _ => {
                return Err("registry: give username_env and password_env together, or token_env alone".into());
            }
        };
        cfg.ca_cert = self.ca_cert.clone();
        Client::new(&cfg).map_err(|e| format!("registry: {e}"))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtobufConfig {
    /// Folder of the Protobuf module (its buf.yaml, if any, gives the roots).
    pub path: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenApiSpec {
    pub path: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub name: String,
    #[serde(rename = "type", default = "protobuf_type")]
    pub schema_type: String,
    pub file: String,
    /// Confluent compatibility level for this subject (default BACKWARD).
    #[serde(default)]
    pub level: Option<String>,
    /// The message or record the subject carries (informational).
    #[serde(default)]
    pub record: Option<String>,
}

fn protobuf_type() -> String {
    "PROTOBUF".into()
}

/// Why the configuration could not be read, or the gate or a registry exchange could not run:
/// the message the user sees (exit 2).
pub type GateError = String;

pub fn load_config(path: &Path) -> Result<GateConfig, GateError> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let at = |line: usize, column: usize, message: String| {
        LoadError::new(path.display().to_string(), line as u32, column as u32, message).to_string()
    };
    let config: GateConfig = yaml_serde::from_str(&text).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
        at(line, column, e.to_string())
    })?;
    // Paths are read both in the work tree and at the baseline, so they must stay inside the
    // repository: relative, without `..`.
    let paths = config
        .protobuf
        .iter()
        .map(|p| &p.path)
        .chain(config.openapi.iter().map(|o| &o.path))
        .chain(config.subjects.iter().map(|s| &s.file));
    for p in paths {
        let outside = Path::new(p).is_absolute()
            || Path::new(p).components().any(|c| matches!(c, std::path::Component::ParentDir));
        if outside {
            let (line, column) = text
                .lines()
                .enumerate()
                .find_map(|(i, l)| l.find(p.as_str()).map(|c| (i + 1, c + 1)))
                .unwrap_or((1, 1));
            return Err(at(
                line,
                column,
                format!("`{p}`: paths must be relative to the repository top and stay inside it"),
            ));
        }
    }
    Ok(config)
}

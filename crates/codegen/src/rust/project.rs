//! The project as the generator reads it: the parts of `schemagate.yaml` it needs and the
//! contracts (through `schemagate-contract`'s model), with positions for errors.

use std::path::{Path, PathBuf};

use schemagate_contract::Contract;
use serde::Deserialize;

use crate::{GenError, relative};

/// How subjects are named when a contract does not name them (Confluent's strategies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectStrategy {
    /// `<topic>-value` / `<topic>-key`.
    #[default]
    TopicName,
    /// The full name of the record or message.
    RecordName,
    /// `<topic>-<full name>`.
    TopicRecordName,
}

impl SubjectStrategy {
    /// Parses `TopicName`, `RecordName` or `TopicRecordName` (any case, `-`/`_` ignored).
    pub fn parse(text: &str) -> Option<SubjectStrategy> {
        match text.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "topicname" | "topicnamestrategy" => Some(SubjectStrategy::TopicName),
            "recordname" | "recordnamestrategy" => Some(SubjectStrategy::RecordName),
            "topicrecordname" | "topicrecordnamestrategy" => Some(SubjectStrategy::TopicRecordName),
            _ => None,
        }
    }

    pub(crate) fn variant(self) -> &'static str {
        match self {
            SubjectStrategy::TopicName => "TopicName",
            SubjectStrategy::RecordName => "RecordName",
            SubjectStrategy::TopicRecordName => "TopicRecordName",
        }
    }
}

/// The parts of `schemagate.yaml` the generator reads; the rest is `check`'s business.
#[derive(Debug, Default, Deserialize)]
struct Config {
    #[serde(default)]
    protobuf: Option<ProtobufConfig>,
    #[serde(default)]
    contract: Option<ContractConfig>,
}

#[derive(Debug, Deserialize)]
struct ProtobufConfig {
    path: String,
}

#[derive(Debug, Default, Deserialize)]
struct ContractConfig {
    #[serde(default)]
    contracts: Option<String>,
}

/// A loaded project.
pub(crate) struct Project {
    pub root: PathBuf,
    /// `protobuf.path` of `schemagate.yaml` (project-relative).
    pub protobuf_path: Option<String>,
    pub contracts: Vec<Contract>,
}

impl Project {
    pub fn load(root: &Path) -> Result<Project, GenError> {
        let config_path = root.join("schemagate.yaml");
        let config: Config = match std::fs::read_to_string(&config_path) {
            Ok(text) => yaml_serde::from_str(&text).map_err(|e| {
                let (line, column) = e.location().map(|l| (l.line() as u32, l.column() as u32)).unwrap_or((1, 1));
                GenError::at("schemagate.yaml", line, column, e.to_string())
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(e) => return Err(GenError::io(&config_path, e)),
        };
        let folder = config.contract.and_then(|c| c.contracts).unwrap_or_else(|| "contracts".to_string());
        let dir = root.join(&folder);
        if !dir.is_dir() {
            return Err(GenError::Input(format!(
                "{folder}: no contracts folder (gen rust writes one module per contract topic)"
            )));
        }
        let contracts =
            schemagate_contract::load_dir(&dir).map_err(|e| GenError::from_message(root, &e.to_string()))?;
        Ok(Project { root: root.to_path_buf(), protobuf_path: config.protobuf.map(|p| p.path), contracts })
    }

    /// The contract's file, relative to the project root.
    pub fn contract_file(&self, contract: &Contract) -> String {
        relative(&self.root, &contract.file)
    }

    /// An error at the first line of the contract that contains `needle` (its first line if
    /// none does).
    pub fn contract_error(&self, contract: &Contract, needle: &str, message: impl Into<String>) -> GenError {
        let (line, column) = schemagate_contract::model::locate(&contract.text, needle);
        GenError::at(self.contract_file(contract), line, column, message)
    }

    /// An error at the line of `key: value` inside the `section` (`value:`/`key:`) of a
    /// contract, falling back to the value alone, then the section.
    pub fn contract_field_error(
        &self,
        contract: &Contract,
        section: &str,
        key: &str,
        value: &str,
        message: impl Into<String>,
    ) -> GenError {
        let text = &contract.text;
        let start = find_section(text, section).unwrap_or(0);
        let rest = &text[start..];
        let candidates = [format!("{key}: {value}"), value.to_string(), format!("{key}:")];
        for needle in candidates.iter().filter(|n| !n.is_empty()) {
            if let Some(offset) = rest.find(needle.as_str()) {
                let (line, column) = position(text, start + offset);
                return GenError::at(self.contract_file(contract), line, column, message);
            }
        }
        self.contract_error(contract, &format!("{section}:"), message)
    }
}

/// Byte offset of the top-level `section:` line.
fn find_section(text: &str, section: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(&format!("{section}:")) {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn position(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line as u32, column as u32)
}

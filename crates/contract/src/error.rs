use std::path::Path;

use schemagate_core::error::LoadError;

/// Why a contract run could not be carried out (as opposed to a contract that failed).
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// A contract, schema or setting is wrong: the message names the file, line and column.
    #[error("{0}")]
    Input(String),
    /// Kafka, Docker or the registry could not be used.
    #[error("{0}")]
    Infrastructure(String),
}

impl ContractError {
    pub(crate) fn infra(message: impl Into<String>) -> ContractError {
        ContractError::Infrastructure(message.into())
    }

    /// A YAML (or JSON) file that does not parse, at the position the parser gives.
    pub(crate) fn yaml(path: &Path, error: &yaml_serde::Error) -> ContractError {
        let (line, column) = error.location().map(|l| (l.line() as u32, l.column() as u32)).unwrap_or((1, 1));
        LoadError::new(path.display().to_string(), line, column, error.to_string()).into()
    }
}

/// A positioned input error is an input error; its text names the file, line and column.
impl From<LoadError> for ContractError {
    fn from(error: LoadError) -> ContractError {
        ContractError::Input(error.to_string())
    }
}

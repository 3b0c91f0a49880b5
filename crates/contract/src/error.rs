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
}

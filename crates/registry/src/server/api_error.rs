//! Request errors with the Schema Registry's HTTP statuses and `error_code`s.

use axum::http::StatusCode;

/// An error answered to a client as `{"error_code": N, "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: u32, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }

    /// 40101: missing or wrong credentials.
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, 40101, "Unauthorized")
    }

    /// 40401.
    pub fn subject_not_found(subject: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, 40401, format!("Subject '{subject}' not found."))
    }

    /// 40402.
    pub fn version_not_found(version: i64) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, 40402, format!("Version {version} not found."))
    }

    /// 40403 without an id (lookup by content).
    pub fn schema_not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, 40403, "Schema not found")
    }

    /// 40403 for an id.
    pub fn schema_id_not_found(id: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, 40403, format!("Schema {id} not found"))
    }

    /// 40404: soft-deleting a subject that is already soft-deleted.
    pub fn subject_soft_deleted(subject: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            40404,
            format!("Subject '{subject}' was soft deleted.Set permanent=true to delete permanently"),
        )
    }

    /// 40405: permanent delete before a soft delete.
    pub fn subject_not_soft_deleted(subject: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            40405,
            format!("Subject '{subject}' was not deleted first before being permanently deleted"),
        )
    }

    /// 40406.
    pub fn version_soft_deleted(subject: &str, version: i64) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            40406,
            format!("Subject '{subject}' Version {version} was soft deleted.Set permanent=true to delete permanently"),
        )
    }

    /// 40407.
    pub fn version_not_soft_deleted(subject: &str, version: i64) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            40407,
            format!("Subject '{subject}' Version {version} was not deleted first before being permanently deleted"),
        )
    }

    /// 40408.
    pub fn subject_config_not_found(subject: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            40408,
            format!("Subject '{subject}' does not have subject-level compatibility configured"),
        )
    }

    /// 40409.
    pub fn subject_mode_not_found(subject: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            40409,
            format!("Subject '{subject}' does not have subject-level mode configured"),
        )
    }

    /// HTTP 409: the schema breaks the subject's compatibility level. The error code is 409, as
    /// the registry answered until its 8.x versions and as clients check.
    pub fn incompatible(subject: &str, messages: &[String]) -> ApiError {
        ApiError::new(
            StatusCode::CONFLICT,
            409,
            format!(
                "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]",
                messages.join(", ")
            ),
        )
    }

    /// 42201: the schema does not parse (the message carries the parser's position).
    pub fn invalid_schema(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, 42201, message)
    }

    /// 42202.
    pub fn invalid_version(version: &str) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42202,
            format!(
                "The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
            ),
        )
    }

    /// 42203.
    pub fn invalid_compatibility(level: &str) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42203,
            format!(
                "Invalid compatibility level '{level}'. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"
            ),
        )
    }

    /// 42204.
    pub fn invalid_mode(mode: &str) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42204,
            format!("Invalid mode '{mode}'. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT"),
        )
    }

    /// 42205: a write the registry's or the subject's mode forbids.
    pub fn not_permitted(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, 42205, message)
    }

    /// 42206: deleting a version other schemas reference.
    pub fn reference_exists(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, 42206, message)
    }

    /// 42207: an import whose id is taken by another schema.
    pub fn id_does_not_match(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, 42207, message)
    }

    /// 42208.
    pub fn invalid_subject(subject: &str) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, 42208, format!("Invalid subject '{subject}'"))
    }

    /// 42211: deleting a context that still holds subjects.
    pub fn context_not_empty(context: &str) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42211,
            format!("The specified context '{context}' is not empty."),
        )
    }

    /// 50001: the database failed.
    pub fn store(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, 50001, message)
    }

    /// A request body that is not the JSON expected (the registry's Jackson errors).
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, 400, message)
    }

    /// Any other status, with the status as error code (unknown routes, wrong methods).
    pub fn http(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError::new(status, u32::from(status.as_u16()), message)
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::store(format!("Error in the backend data store: {e}"))
    }
}

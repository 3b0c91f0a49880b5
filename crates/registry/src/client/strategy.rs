//! Confluent's subject naming strategies.

/// How a serializer names the subject of a record published to a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectNameStrategy {
    /// `<topic>-key` / `<topic>-value` (Confluent's default).
    #[default]
    Topic,
    /// `<record full name>`.
    Record,
    /// `<topic>-<record full name>`.
    TopicRecord,
}

impl SubjectNameStrategy {
    pub fn subject(self, topic: &str, record_full_name: &str, is_key: bool) -> String {
        match self {
            SubjectNameStrategy::Topic => format!("{topic}-{}", if is_key { "key" } else { "value" }),
            SubjectNameStrategy::Record => record_full_name.to_string(),
            SubjectNameStrategy::TopicRecord => format!("{topic}-{record_full_name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SubjectNameStrategy::*;

    #[test]
    fn strategies_name_subjects_like_confluent() {
        assert_eq!(Topic.subject("orders", "com.acme.Order", false), "orders-value");
        assert_eq!(Topic.subject("orders", "com.acme.Order", true), "orders-key");
        assert_eq!(Record.subject("orders", "com.acme.Order", false), "com.acme.Order");
        assert_eq!(TopicRecord.subject("orders", "com.acme.Order", true), "orders-com.acme.Order");
    }
}

//! Schema Registry compatibility levels, with Confluent's semantics, on top of any engine that
//! can tell whether one schema version can replace another.

use serde::Serialize;

/// A Confluent compatibility level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompatLevel {
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
    None,
}

impl CompatLevel {
    /// Parses Confluent's names (`BACKWARD_TRANSITIVE`, case-insensitive).
    pub fn parse(text: &str) -> Option<CompatLevel> {
        Some(match text.to_ascii_uppercase().as_str() {
            "BACKWARD" => CompatLevel::Backward,
            "BACKWARD_TRANSITIVE" => CompatLevel::BackwardTransitive,
            "FORWARD" => CompatLevel::Forward,
            "FORWARD_TRANSITIVE" => CompatLevel::ForwardTransitive,
            "FULL" => CompatLevel::Full,
            "FULL_TRANSITIVE" => CompatLevel::FullTransitive,
            "NONE" => CompatLevel::None,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            CompatLevel::Backward => "BACKWARD",
            CompatLevel::BackwardTransitive => "BACKWARD_TRANSITIVE",
            CompatLevel::Forward => "FORWARD",
            CompatLevel::ForwardTransitive => "FORWARD_TRANSITIVE",
            CompatLevel::Full => "FULL",
            CompatLevel::FullTransitive => "FULL_TRANSITIVE",
            CompatLevel::None => "NONE",
        }
    }

    pub fn transitive(self) -> bool {
        matches!(self, CompatLevel::BackwardTransitive | CompatLevel::ForwardTransitive | CompatLevel::FullTransitive)
    }
    fn backward(self) -> bool {
        matches!(
            self,
            CompatLevel::Backward | CompatLevel::BackwardTransitive | CompatLevel::Full | CompatLevel::FullTransitive
        )
    }
    fn forward(self) -> bool {
        matches!(
            self,
            CompatLevel::Forward | CompatLevel::ForwardTransitive | CompatLevel::Full | CompatLevel::FullTransitive
        )
    }
}

/// One reason a version is incompatible (or a recorded change), in Confluent's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompatMessage {
    /// Confluent's difference or incompatibility type, e.g. `FIELD_KIND_CHANGED`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where: `#/TestMessage/2`, `/fields/0/type`, ...
    pub path: String,
    pub message: String,
}

/// The verdict of a compatibility check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompatResult {
    pub compatible: bool,
    pub messages: Vec<CompatMessage>,
}

/// A schema format's compatibility rules: the incompatibilities of replacing `previous` by
/// `update` so that readers of `update` can read data written with `previous` (Confluent's
/// BACKWARD direction). An empty list means compatible. Engines do no I/O.
pub trait CompatEngine {
    type Schema;
    fn backward(&self, previous: &Self::Schema, update: &Self::Schema) -> Vec<CompatMessage>;
}

/// Checks `update` against the earlier versions (`previous`, oldest first) at `level`, as the
/// Schema Registry does: transitive levels check every earlier version newest first, the others
/// only the latest; FORWARD swaps the roles; FULL checks both directions. The messages are
/// prefixed with the version they concern when more than one is checked.
pub fn check_level<E: CompatEngine>(
    engine: &E,
    level: CompatLevel,
    update: &E::Schema,
    previous: &[E::Schema],
) -> CompatResult {
    if level == CompatLevel::None || previous.is_empty() {
        return CompatResult { compatible: true, messages: vec![] };
    }
    let versions: Vec<(usize, &E::Schema)> = if level.transitive() {
        previous.iter().enumerate().rev().collect()
    } else {
        vec![(previous.len() - 1, &previous[previous.len() - 1])]
    };
    let many = versions.len() > 1;
    let mut messages = Vec::new();
    for (index, old) in versions {
        let mut found = Vec::new();
        if level.backward() {
            found.extend(engine.backward(old, update));
        }
        if level.forward() {
            found.extend(engine.backward(update, old));
        }
        for mut m in found {
            if many {
                m.message = format!("version {}: {}", index + 1, m.message);
            }
            messages.push(m);
        }
    }
    CompatResult { compatible: messages.is_empty(), messages }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integers where a reader accepts any writer that is not larger.
    struct Widening;

    impl CompatEngine for Widening {
        type Schema = u32;
        fn backward(&self, previous: &u32, update: &u32) -> Vec<CompatMessage> {
            if update >= previous {
                vec![]
            } else {
                vec![CompatMessage {
                    kind: "NARROWED".into(),
                    path: "#".into(),
                    message: format!("{update} < {previous}"),
                }]
            }
        }
    }

    #[test]
    fn levels_follow_confluent() {
        let e = Widening;
        assert!(check_level(&e, CompatLevel::Backward, &5, &[9, 4]).compatible, "only the latest version counts");
        assert!(!check_level(&e, CompatLevel::BackwardTransitive, &5, &[9, 4]).compatible);
        assert!(!check_level(&e, CompatLevel::Forward, &5, &[4]).compatible, "forward swaps the roles");
        assert!(check_level(&e, CompatLevel::Forward, &4, &[5]).compatible);
        assert!(!check_level(&e, CompatLevel::Full, &5, &[4]).compatible);
        assert!(check_level(&e, CompatLevel::Full, &5, &[5]).compatible);
        assert!(check_level(&e, CompatLevel::None, &1, &[9]).compatible);
        let r = check_level(&e, CompatLevel::FullTransitive, &5, &[5, 9, 4]);
        assert_eq!(r.messages.len(), 2);
        assert!(r.messages[0].message.starts_with("version 3:"), "newest first: {:?}", r.messages);
    }
}

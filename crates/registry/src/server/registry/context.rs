//! Schema contexts as Confluent's Schema Registry names them (its `QualifiedSubject`).
//!
//! A subject may be qualified with a context: `:.ctx:orders-value` is the subject
//! `orders-value` of the context `.ctx`. A name without that prefix, and the explicit
//! `:.:orders-value`, live in the default context `.`. A context is an independent
//! sub-registry: its own subjects, its own schema ids, its own compatibility level and mode.
//!
//! Subjects are stored under their normalized qualified name: `name` in the default context,
//! `:.ctx:name` elsewhere. Settings are keyed the same way: `""` is the default context's
//! (what `/config` and `/mode` show), `:.ctx:` a context's, `:.__GLOBAL:` the one Confluent
//! applies to every context that sets nothing.
//!
//! What the server implements of Confluent's contexts (docs/commands/registry.md has the
//! details), and where:
//! - ids allocated per context, never reused (`queries::insert_schema`);
//! - ids looked up by `subject`: none is the default context, `:.ctx:name` / `:.ctx:` that
//!   context, a plain name the default context then the same name in the other contexts
//!   (`schemas`); reads by version and lookups by content of a plain name fall back the same way
//!   (`subjects`);
//! - `GET /contexts` (`.` first, then by name), `DELETE /contexts/{c}` of an empty context, and
//!   `GET /subjects` / `GET /schemas` prefixes `:.ctx:`, `:*:` and plain (`settings`,
//!   [`SubjectPrefix`]);
//! - `/contexts/{c}/...` URLs (`server::context_path`);
//! - references resolved in the referrer's context ([`qualify_reference`]);
//! - levels and modes falling back subject -> context -> `:.__GLOBAL:` -> default (`settings`);
//! - the migration of databases from before contexts (`server::migrate`).
//!
//! Left out: tenants, the `:*:` wildcard outside prefixes, Schema Linking (exporters),
//! `DELETE /mode/:.ctx:?recursive=true`, and Confluent's reuse of a deleted context's ids.

/// The default context's name.
pub const DEFAULT_CONTEXT: &str = ".";

/// Confluent's context for the settings that apply across contexts.
pub const GLOBAL_CONTEXT: &str = ".__GLOBAL";

/// A subject prefix matching subjects of every context (`:*:` then a name prefix).
const WILDCARD_PREFIX: &str = ":*:";

/// A subject split into its context (`.` or `.ctx`) and its name (empty for a context alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualifiedSubject {
    pub context: String,
    pub name: String,
}

impl QualifiedSubject {
    /// Splits `text` as Confluent does: `:.ctx:name` is `name` in `.ctx`; `:.ctx` without the
    /// closing colon is the context alone; anything else is a name in the default context.
    pub fn parse(text: &str) -> QualifiedSubject {
        match text.strip_prefix(":.") {
            Some(rest) => match rest.split_once(':') {
                Some((context, name)) => QualifiedSubject { context: format!(".{context}"), name: name.to_string() },
                None => QualifiedSubject { context: format!(".{rest}"), name: String::new() },
            },
            None => QualifiedSubject { context: DEFAULT_CONTEXT.to_string(), name: text.to_string() },
        }
    }

    pub fn is_default_context(&self) -> bool {
        self.context == DEFAULT_CONTEXT
    }

    /// The stored form: `name` in the default context, `:.ctx:name` elsewhere.
    pub fn qualified(&self) -> String {
        format!("{}{}", context_key(&self.context), self.name)
    }
}

/// The normalized qualified form of a subject as a client wrote it (`:.:a` is `a`).
pub fn normalize(subject: &str) -> String {
    QualifiedSubject::parse(subject).qualified()
}

/// The context a (normalized or not) subject lives in.
pub fn context_of(subject: &str) -> String {
    QualifiedSubject::parse(subject).context
}

/// The settings key and subject prefix of a context: `""` for the default one, `:.ctx:` else.
pub fn context_key(context: &str) -> String {
    if context == DEFAULT_CONTEXT { String::new() } else { format!(":{context}:") }
}

/// The subject a reference names, seen from a schema registered in `referrer_context`: a
/// name without a context (also `:.:name`) is in the referrer's own context, as Confluent
/// resolves references; a qualified name keeps its context.
pub fn qualify_reference(referrer_context: &str, subject: &str) -> String {
    let target = QualifiedSubject::parse(subject);
    if target.is_default_context() {
        QualifiedSubject { context: referrer_context.to_string(), name: target.name }.qualified()
    } else {
        target.qualified()
    }
}

/// A context named in a URL (`.ctx`, `ctx`, `:.ctx:`) as `.ctx`; `.` is the default context.
/// A colon inside the name is refused, as Confluent refuses it.
pub fn normalize_context(text: &str) -> Result<String, String> {
    let trimmed = text.strip_prefix(':').unwrap_or(text);
    let trimmed = trimmed.strip_suffix(':').unwrap_or(trimmed);
    if trimmed.contains(':') {
        return Err(format!("Context name '{trimmed}' cannot contain a colon"));
    }
    Ok(if trimmed.starts_with('.') { trimmed.to_string() } else { format!(".{trimmed}") })
}

/// Which subjects a `subjectPrefix` selects, with Confluent's reading of it: `:*:abc` is
/// `abc…` in every context; `:.ctx:abc` is `abc…` in `.ctx`; a plain `abc` (also the empty
/// prefix) is `abc…` in the default context only. `:.ctx` without its closing colon selects
/// the contexts whose names start with `.ctx` (Confluent scans that key range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectPrefix {
    AllContexts { name: String },
    Context { context: String, open: bool, name: String },
}

impl SubjectPrefix {
    /// The prefix of `text`, or `absent` when the request gave none.
    pub fn parse(text: Option<&str>, absent: SubjectPrefix) -> SubjectPrefix {
        let Some(text) = text else { return absent };
        if let Some(name) = text.strip_prefix(WILDCARD_PREFIX) {
            return SubjectPrefix::AllContexts { name: name.to_string() };
        }
        let open = text.strip_prefix(":.").is_some_and(|rest| !rest.contains(':'));
        let QualifiedSubject { context, name } = QualifiedSubject::parse(text);
        SubjectPrefix::Context { context, open, name }
    }

    /// Every subject of every context (`GET /subjects` without a prefix).
    pub fn everything() -> SubjectPrefix {
        SubjectPrefix::AllContexts { name: String::new() }
    }

    /// The default context's subjects (`GET /schemas` without a prefix).
    pub fn default_context() -> SubjectPrefix {
        SubjectPrefix::Context { context: DEFAULT_CONTEXT.to_string(), open: false, name: String::new() }
    }

    pub fn matches(&self, subject: &str) -> bool {
        let subject = QualifiedSubject::parse(subject);
        match self {
            SubjectPrefix::AllContexts { name } => subject.name.starts_with(name.as_str()),
            SubjectPrefix::Context { context, open, name } => {
                let in_context =
                    if *open { subject.context.starts_with(context.as_str()) } else { subject.context == *context };
                in_context && subject.name.starts_with(name.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_split_into_context_and_name() {
        let q = |c: &str, n: &str| QualifiedSubject { context: c.into(), name: n.into() };
        assert_eq!(QualifiedSubject::parse("orders"), q(".", "orders"));
        assert_eq!(QualifiedSubject::parse(":.:orders"), q(".", "orders"));
        assert_eq!(QualifiedSubject::parse(":.team:orders"), q(".team", "orders"));
        assert_eq!(QualifiedSubject::parse(":.team:a:b"), q(".team", "a:b"));
        assert_eq!(QualifiedSubject::parse(":.team:"), q(".team", ""));
        assert_eq!(QualifiedSubject::parse(":.team"), q(".team", ""));
        assert_eq!(QualifiedSubject::parse(":x:y"), q(".", ":x:y"), "only `:.` starts a context");
        assert_eq!(normalize(":.:orders"), "orders");
        assert_eq!(normalize(":.team"), ":.team:");
        assert_eq!(normalize(":.:"), "");
        assert_eq!(context_of(":.team:orders"), ".team");
        assert_eq!(context_of("orders"), ".");
    }

    #[test]
    fn references_resolve_in_the_referrers_context() {
        assert_eq!(qualify_reference(".", "common"), "common");
        assert_eq!(qualify_reference(".team", "common"), ":.team:common");
        assert_eq!(qualify_reference(".team", ":.:common"), ":.team:common");
        assert_eq!(qualify_reference(".team", ":.other:common"), ":.other:common");
        assert_eq!(qualify_reference(".", ":.other:common"), ":.other:common");
    }

    #[test]
    fn contexts_in_urls_normalize() {
        assert_eq!(normalize_context(".team"), Ok(".team".to_string()));
        assert_eq!(normalize_context("team"), Ok(".team".to_string()));
        assert_eq!(normalize_context(":.team:"), Ok(".team".to_string()));
        assert_eq!(normalize_context("."), Ok(".".to_string()));
        assert_eq!(normalize_context(":.:"), Ok(".".to_string()));
        assert!(normalize_context("a:b").is_err());
    }

    #[test]
    fn subject_prefixes_select_like_confluent() {
        let all = SubjectPrefix::parse(None, SubjectPrefix::everything());
        assert!(all.matches("orders") && all.matches(":.team:orders"));
        let wildcard = SubjectPrefix::parse(Some(":*:ord"), SubjectPrefix::everything());
        assert!(wildcard.matches("orders") && wildcard.matches(":.team:orders") && !wildcard.matches(":.t:pay"));
        let plain = SubjectPrefix::parse(Some("ord"), SubjectPrefix::everything());
        assert!(plain.matches("orders") && !plain.matches(":.team:orders"));
        let empty = SubjectPrefix::parse(Some(""), SubjectPrefix::everything());
        assert!(empty.matches("orders") && !empty.matches(":.team:orders"));
        let team = SubjectPrefix::parse(Some(":.team:"), SubjectPrefix::everything());
        assert!(team.matches(":.team:orders") && !team.matches(":.teams:orders") && !team.matches("orders"));
        let open = SubjectPrefix::parse(Some(":.team"), SubjectPrefix::everything());
        assert!(open.matches(":.team:orders") && open.matches(":.teams:orders") && !open.matches("orders"));
        assert!(SubjectPrefix::default_context().matches("x") && !SubjectPrefix::default_context().matches(":.t:x"));
    }
}

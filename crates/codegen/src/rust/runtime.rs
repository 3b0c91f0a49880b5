//! The hand-written runtime (crates/codegen/runtime/rust/), emitted verbatim into every
//! generated crate's `src/runtime/`.

/// One runtime file.
#[derive(Debug, Clone, Copy)]
pub struct RuntimeFile {
    /// The file name inside `src/runtime/`.
    pub name: &'static str,
    pub text: &'static str,
    /// Emitted only into crates with Avro topics (it needs the apache-avro dependency).
    pub avro_only: bool,
}

/// Every runtime file: the single list of what is included.
pub const RUNTIME_FILES: &[RuntimeFile] = &[
    RuntimeFile { name: "mod.rs", text: include_str!("../../runtime/rust/mod.rs"), avro_only: false },
    RuntimeFile { name: "error.rs", text: include_str!("../../runtime/rust/error.rs"), avro_only: false },
    RuntimeFile { name: "config.rs", text: include_str!("../../runtime/rust/config.rs"), avro_only: false },
    RuntimeFile { name: "wire.rs", text: include_str!("../../runtime/rust/wire.rs"), avro_only: false },
    RuntimeFile { name: "registry.rs", text: include_str!("../../runtime/rust/registry.rs"), avro_only: false },
    RuntimeFile { name: "produce.rs", text: include_str!("../../runtime/rust/produce.rs"), avro_only: false },
    RuntimeFile { name: "consume.rs", text: include_str!("../../runtime/rust/consume.rs"), avro_only: false },
    RuntimeFile { name: "backoff.rs", text: include_str!("../../runtime/rust/backoff.rs"), avro_only: false },
    RuntimeFile { name: "headers.rs", text: include_str!("../../runtime/rust/headers.rs"), avro_only: false },
    RuntimeFile { name: "avro.rs", text: include_str!("../../runtime/rust/avro.rs"), avro_only: true },
];

/// The declaration of the Avro module in `mod.rs`, removed from crates without Avro topics.
const AVRO_DECLARATION: &str = "pub mod avro;";

/// The runtime files of a crate, as (name, text).
pub(crate) fn files(with_avro: bool) -> Vec<(&'static str, String)> {
    RUNTIME_FILES
        .iter()
        .filter(|f| with_avro || !f.avro_only)
        .map(|f| {
            let text = if f.name == "mod.rs" && !with_avro { without_avro(f.text) } else { f.text.to_string() };
            (f.name, text)
        })
        .collect()
}

/// `mod.rs` without `pub mod avro;` and the comment lines right above it.
fn without_avro(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(at) = lines.iter().position(|l| l.trim() == AVRO_DECLARATION) else {
        return text.to_string();
    };
    let mut start = at;
    while start > 0 && lines[start - 1].trim_start().starts_with("//") {
        start -= 1;
    }
    let mut kept: Vec<&str> = lines[..start].to_vec();
    kept.extend_from_slice(&lines[at + 1..]);
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    let mut out = kept.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_avro_declaration_goes_with_its_comment() {
        let text = "pub mod wire;\n\n// Avro support.\n// Removed without Avro.\npub mod avro;\n";
        assert_eq!(super::without_avro(text), "pub mod wire;\n");
        let text = "pub mod avro;\npub mod wire;\n";
        assert_eq!(super::without_avro(text), "pub mod wire;\n");
    }
}
